#!/usr/bin/env bash
# Self-test of inspect-image.sh on small tarballs made here (no network, no Docker, no Maven):
#   jib       the layout jib:buildTar writes: manifest.json, config.json, <digest>.tar.gz layers, Jib's default
#             entrypoint (java -cp @/app/jib-classpath-file <main class>), user 10001, port 8080   -> passes
#   jar       docker-save layout with plain .tar layers and java -jar /app/ledger-service.jar         -> passes
#   oci       Jib's OCI form (index.json, blobs/sha256/…)                                            -> passes
#   root      as jib, but no user                                                                    -> fails
#   nojava    as jib, entrypoint /bin/sh -c 'echo hi'                                                -> fails
#   whiteout  the jar is deleted by a later layer's whiteout                                         -> fails
#   port      as jib, but expecting 9090                                                             -> fails
#   baddiff   as jar, with a diff_id that does not match its layer                                   -> fails
# Usage: deploy/image/test-inspect-image.sh [KEEP_DIR]   (KEEP_DIR keeps the tarballs made)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${1:-} ]] || trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile

out = sys.argv[1]
MAIN = "com.inferenceledger.ledger.LedgerApplication"


def layer(files, gz):
    """files: {path: bytes or None for a directory}; returns (blob bytes, diff_id hex)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path in sorted(files):
            data = files[path]
            ti = tarfile.TarInfo(path)
            ti.mtime = 1
            if data is None:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o644
                t.addfile(ti, io.BytesIO(data))
    plain = buf.getvalue()
    diff = hashlib.sha256(plain).hexdigest()
    return (gzip.compress(plain, mtime=0) if gz else plain), diff


def image(name, layers, config, form="jib", gz=True, tag="inference-ledger:test", break_diff=False):
    blobs, diffs = [], []
    for files in layers:
        blob, diff = layer(files, gz)
        blobs.append(blob)
        diffs.append(diff)
    if break_diff:
        diffs[-1] = "0" * 64
    cfg = {"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:01Z", "config": config,
           "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diffs]}, "history": []}
    cfg_bytes = json.dumps(cfg).encode()
    entries = {}
    if form == "oci":
        ldesc = []
        for b in blobs:
            h = hashlib.sha256(b).hexdigest()
            entries[f"blobs/sha256/{h}"] = b
            ldesc.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + h,
                          "size": len(b)})
        ch = hashlib.sha256(cfg_bytes).hexdigest()
        entries[f"blobs/sha256/{ch}"] = cfg_bytes
        man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                     "digest": "sha256:" + ch, "size": len(cfg_bytes)},
                          "layers": ldesc}).encode()
        mh = hashlib.sha256(man).hexdigest()
        entries[f"blobs/sha256/{mh}"] = man
        entries["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
        entries["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mh,
             "size": len(man), "annotations": {"org.opencontainers.image.ref.name": tag}}]}).encode()
    else:
        names = []
        for b in blobs:
            # jib:buildTar names each layer by the digest of its compressed blob; docker save by content
            n = hashlib.sha256(b).hexdigest() + (".tar.gz" if gz else ".tar")
            entries[n] = b
            names.append(n)
        cname = "config.json" if form == "jib" else hashlib.sha256(cfg_bytes).hexdigest() + ".json"
        entries[cname] = cfg_bytes
        entries["manifest.json"] = json.dumps([{"Config": cname, "RepoTags": [tag], "Layers": names}]).encode()
    with tarfile.open(os.path.join(out, name + ".tar"), "w") as t:
        for n, data in entries.items():
            ti = tarfile.TarInfo(n)
            ti.size, ti.mtime, ti.mode = len(data), 1, 0o644
            t.addfile(ti, io.BytesIO(data))


base = {"etc": None, "etc/passwd": b"root:x:0:0:root:/root:/bin/bash\nledger:x:10001:10001::/nonexistent:/usr/sbin/nologin\n",
        "usr": None, "usr/bin": None, "usr/bin/java": b"\x7fELF"}
deps = {"app": None, "app/libs": None, "app/libs/spring-core-6.1.0.jar": b"PK", "app/libs/kafka-clients-3.7.0.jar": b"PK"}
classes = {"app/classes": None, "app/classes/com/inferenceledger/ledger/LedgerApplication.class": b"\xca\xfe\xba\xbe",
           "app/resources": None, "app/resources/application.yml": b"server.port: 8080\n"}
argfiles = {"app/jib-classpath-file": b"/app/resources:/app/classes:/app/libs/*\n",
            "app/jib-main-class-file": (MAIN + "\n").encode()}
jib_cfg = {"Env": ["PATH=/usr/bin:/bin", "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"],
           "Entrypoint": ["java", "-XX:MaxRAMPercentage=75", "-cp", "@/app/jib-classpath-file", MAIN],
           "ExposedPorts": {"8080/tcp": {}}, "User": "10001", "WorkingDir": "/app"}
jar_cfg = dict(jib_cfg, Entrypoint=["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/ledger-service.jar"], User="ledger")

image("jib", [base, deps, classes, argfiles], jib_cfg)
image("jar", [base, {"app": None, "app/ledger-service.jar": b"PK"}], jar_cfg, form="docker", gz=False)
image("oci", [base, deps, classes, argfiles], jib_cfg, form="oci")
image("root", [base, deps, classes, argfiles], {k: v for k, v in jib_cfg.items() if k != "User"})
image("nojava", [base, deps], dict(jib_cfg, Entrypoint=["/bin/sh", "-c", "echo hi"]))
image("whiteout", [base, {"app": None, "app/ledger-service.jar": b"PK"}, {"app": None, "app/.wh.ledger-service.jar": b""}],
      jar_cfg, form="docker", gz=False)
image("baddiff", [base, {"app": None, "app/ledger-service.jar": b"PK"}], jar_cfg, form="docker", gz=False, break_diff=True)
PY

passed=0 failed=0
expect() {  # expect CODE NAME [ARGS…]
  local code=$1 name=$2 got=0 log args
  shift 2
  args="$*"
  log="$work/$name${args:+-${args//[^A-Za-z0-9]/_}}.out"
  "$here/inspect-image.sh" "$work/$name.tar" "$@" >"$log" 2>&1 || got=$?
  if [[ $got == "$code" ]]; then
    passed=$((passed + 1)); echo "ok   $name $* -> exit $got"
  else
    failed=$((failed + 1)); echo "FAIL $name $* -> exit $got, expected $code"; sed 's/^/     | /' "$log"
  fi
}
expect 0 jib
expect 0 jib 8080 10001
expect 0 jib 8080/tcp ledger
expect 0 jar 8080 ledger
expect 0 oci
expect 1 root
expect 1 nojava
expect 1 whiteout
expect 1 jib 9090
expect 1 jib 8080 nobody
expect 1 baddiff
echo "$passed passed, $failed failed"
((failed == 0))
