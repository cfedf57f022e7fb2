#!/usr/bin/env bash
# Opens a container image tarball and checks that it is the ledger's runnable image.
#
# Usage: deploy/image/inspect-image.sh IMAGE_TAR [EXPECTED_PORT] [EXPECTED_USER]
#   IMAGE_TAR      what `jib:buildTar` writes (target/jib-image.tar): manifest.json, config.json and one
#                  <digest>.tar.gz per layer. `docker save` tarballs (plain .tar layers, <sha>.json config,
#                  blobs/sha256/… in newer Docker) and Jib's OCI form (index.json, blobs/sha256/…) are read too.
#   EXPECTED_PORT  a port the image must expose (default 8080/tcp; "8080" means 8080/tcp)
#   EXPECTED_USER  if given, the user the image must run as (a name or a uid, e.g. 10001 or ledger)
#
# Prints the image's entrypoint, user, exposed ports, and for each layer its size and top-level paths, then
# checks: the entrypoint runs java with -jar or a main class (Jib's default: -cp @/app/jib-classpath-file
# <main class>); the user is not root; the expected port is exposed; some layer holds a file under /app;
# what the entrypoint names under /app is there; each layer matches its diff_id in the config.
# Exit status: 0 all checks pass, 1 a check failed (each failure is printed as FAIL: …), 2 unreadable input.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 || $1 == -h || $1 == --help ]]; then
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
[[ -f $1 && -r $1 ]] || { echo "inspect-image: no readable file at $1" >&2; exit 2; }
command -v python3 >/dev/null || { echo "inspect-image: python3 is needed" >&2; exit 2; }

exec python3 - "$1" "${2:-8080/tcp}" "${3:-}" <<'PY'
import gzip, hashlib, io, json, posixpath, re, shlex, sys, tarfile

image_path, expected_port, expected_user = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def fail(msg):
    failures.append(msg)
    print(f"  FAIL: {msg}")


def ok(msg):
    print(f"  ok:   {msg}")


def die(msg):
    print(f"inspect-image: {msg}", file=sys.stderr)
    sys.exit(2)


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def norm(name):
    """A layer entry's path without './' or '/' in front: 'app/libs/x.jar'."""
    name = name.lstrip("/")
    while name.startswith("./"):
        name = name[2:]
    return name.rstrip("/")


class HashingReader(io.RawIOBase):
    """Reads through a stream, hashing and counting what passes."""

    def __init__(self, raw):
        self.raw, self.sha, self.count = raw, hashlib.sha256(), 0

    def readable(self):
        return True

    def readinto(self, buf):
        data = self.raw.read(len(buf))
        n = len(data)
        buf[:n] = data
        self.sha.update(data)
        self.count += n
        return n

    def drain(self):
        while self.raw is not None and self.read(1 << 20):
            pass


# ---- the outer tarball -------------------------------------------------------------------------------------
try:
    outer = tarfile.open(image_path, "r:*")
    members = {norm(m.name): m for m in outer.getmembers() if m.isfile()}
except (tarfile.TarError, OSError, EOFError) as e:
    die(f"{image_path} is not a tar archive: {e}")


def read_member(name, what):
    m = members.get(norm(name))
    if m is None:
        die(f"{what} '{name}' is named by the image but is not in the tarball (it holds: {', '.join(sorted(members)[:10])})")
    return outer.extractfile(m).read()


def read_json(name, what):
    try:
        return json.loads(read_member(name, what))
    except json.JSONDecodeError as e:
        die(f"{what} '{name}' is not valid JSON: {e}")


if "manifest.json" in members:
    form = "docker (manifest.json)"
    manifest = read_json("manifest.json", "manifest")
    if not isinstance(manifest, list) or not manifest:
        die("manifest.json is not a non-empty list of images")
    if len(manifest) > 1:
        print(f"note: manifest.json lists {len(manifest)} images; inspecting the first")
    entry = manifest[0]
    if "Config" not in entry or "Layers" not in entry:
        die("manifest.json's first image has no Config or no Layers")
    tags = entry.get("RepoTags") or []
    config_name = entry["Config"]
    layer_names = list(entry["Layers"])
elif "index.json" in members:
    form = "OCI layout (index.json)"
    index = read_json("index.json", "OCI index")
    if not index.get("manifests"):
        die("index.json lists no manifests")
    desc = index["manifests"][0]
    tags = [t for t in [desc.get("annotations", {}).get("org.opencontainers.image.ref.name")] if t]

    def blob(digest):
        algo, _, hexd = digest.partition(":")
        return f"blobs/{algo}/{hexd}"

    oci_manifest = read_json(blob(desc["digest"]), "OCI manifest")
    if "manifests" in oci_manifest:  # an index of platforms: take the first
        oci_manifest = read_json(blob(oci_manifest["manifests"][0]["digest"]), "OCI manifest")
    config_name = blob(oci_manifest["config"]["digest"])
    layer_names = [blob(l["digest"]) for l in oci_manifest.get("layers", [])]
else:
    die(f"{image_path} has neither manifest.json (docker save / jib:buildTar) nor index.json (OCI layout); "
        f"it holds: {', '.join(sorted(members)[:10])}")

config_doc = read_json(config_name, "image config")
cfg = config_doc.get("config") or {}
diff_ids = (config_doc.get("rootfs") or {}).get("diff_ids") or []

print(f"image:        {image_path}")
print(f"form:         {form}")
print(f"tags:         {', '.join(tags) if tags else '(none)'}")
print(f"platform:     {config_doc.get('os', '?')}/{config_doc.get('architecture', '?')}"
      + (f"/{config_doc['variant']}" if config_doc.get("variant") else ""))
print(f"created:      {config_doc.get('created', '(not set)')}")
entrypoint = cfg.get("Entrypoint") or []
cmd = cfg.get("Cmd") or []
print(f"entrypoint:   {json.dumps(entrypoint) if entrypoint else '(none)'}")
print(f"cmd:          {json.dumps(cmd) if cmd else '(none)'}")
print(f"user:         {cfg.get('User') or '(not set: root)'}")
ports = sorted((cfg.get("ExposedPorts") or {}).keys())
print(f"ports:        {', '.join(ports) if ports else '(none)'}")
print(f"workdir:      {cfg.get('WorkingDir') or '(not set)'}")
for env in cfg.get("Env") or []:
    print(f"env:          {env}")

# ---- the layers ----------------------------------------------------------------------------------------------
print(f"\nlayers:       {len(layer_names)} (config lists {len(diff_ids)} diff_ids)")
layer_problems = []
if len(layer_names) != len(diff_ids):
    layer_problems.append(f"the manifest names {len(layer_names)} layers but the config's rootfs.diff_ids has "
                          f"{len(diff_ids)} (Jib refuses such a base image)")

app_files = {}      # path under app/ -> index of the layer that put it there (whiteouts applied)
passwd_text = None  # the last /etc/passwd in layer order
total_stored = 0
for i, name in enumerate(layer_names):
    m = members.get(norm(name))
    if m is None:
        layer_problems.append(f"layer {i + 1} '{name}' is named in the manifest but missing from the tarball")
        print(f"  [{i + 1}] {name}: MISSING")
        continue
    total_stored += m.size
    raw = outer.extractfile(m)
    head = raw.read(4)
    raw.seek(0)
    if head[:2] == b"\x1f\x8b":
        kind, stream = "gzip", gzip.GzipFile(fileobj=raw)
    elif head == b"\x28\xb5\x2f\xfd":
        layer_problems.append(f"layer {i + 1} '{name}' is zstd-compressed, which this script cannot read")
        print(f"  [{i + 1}] {name}: {human(m.size)} zstd (not read)")
        continue
    else:
        kind, stream = "plain tar", raw
    hasher = HashingReader(stream)
    top, n_entries, owners = {}, 0, set()
    try:
        with tarfile.open(fileobj=io.BufferedReader(hasher, 1 << 20), mode="r|") as layer:
            for e in layer:
                n_entries += 1
                path = norm(e.name)
                if not path or path == ".":
                    continue
                owners.add(f"{e.uid}:{e.gid}")
                first = path.split("/", 1)[0]
                top[first] = top.get(first, 0) + 1
                base = posixpath.basename(path)
                parent = posixpath.dirname(path)
                if base.startswith(".wh."):  # whiteouts hide what lower layers put there
                    if base == ".wh..wh..opq":
                        for p in [p for p in app_files if p.startswith(parent + "/")]:
                            del app_files[p]
                    else:
                        gone = posixpath.join(parent, base[4:])
                        for p in [p for p in app_files if p == gone or p.startswith(gone + "/")]:
                            del app_files[p]
                    continue
                if (path == "app" or path.startswith("app/")) and (e.isfile() or e.issym() or e.islnk()):
                    app_files[path] = i
                if path == "etc/passwd" and e.isfile():
                    passwd_text = layer.extractfile(e).read().decode("utf-8", "replace")
        hasher.drain()
    except (tarfile.TarError, OSError, EOFError, gzip.BadGzipFile) as e:
        layer_problems.append(f"layer {i + 1} '{name}' cannot be read as a {kind}: {e}")
        print(f"  [{i + 1}] {name}: unreadable ({e})")
        continue
    digest = "sha256:" + hasher.sha.hexdigest()
    expected = diff_ids[i] if i < len(diff_ids) else None
    print(f"  [{i + 1}] {name}")
    print(f"      {kind}, {human(m.size)} stored, {human(hasher.count)} unpacked, {n_entries} entries, "
          f"owners (uid:gid) {', '.join(sorted(owners)) or '-'}")
    print(f"      diff_id {digest}" + ("" if expected in (None, digest) else f"  (config says {expected})"))
    if expected is not None and expected != digest:
        layer_problems.append(f"layer {i + 1} '{name}': its unpacked sha256 is {digest} but the config's diff_id "
                              f"is {expected}")
    shown = sorted(top)
    listing = ", ".join(f"/{t}" + ("" if top[t] == 1 else f" ({top[t]})") for t in shown[:40])
    if len(shown) > 40:
        listing += f", … and {len(shown) - 40} more"
    print(f"      top level: {listing or '(empty layer)'}")
print(f"  total stored: {human(total_stored)}")

# ---- checks --------------------------------------------------------------------------------------------------
print("\nchecks:")

# layers well formed
if layer_problems:
    for p in layer_problems:
        fail(p)
else:
    ok(f"{len(layer_names)} layer(s), each matching its diff_id")

# entrypoint: java -jar X, or java ... -cp CP MainClass (Jib), maybe behind sh -c "exec java ..."
SHELLS = {"sh", "bash", "dash", "ash"}
MAIN_CLASS = re.compile(r"^(@/\S+|[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+|[A-Za-z_$][\w$]*)$")
OPTS_WITH_VALUE = {"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-opens", "--add-exports",
                   "--add-modules", "--add-reads", "--patch-module", "--limit-modules", "--upgrade-module-path"}
argv = list(entrypoint) + list(cmd) if entrypoint else list(cmd)
referenced = []   # absolute paths under /app the command relies on
via = ""
if len(argv) >= 3 and posixpath.basename(argv[0]) in SHELLS and argv[1] == "-c":
    try:
        words = shlex.split(argv[2])
    except ValueError:
        words = []
    while words and (words[0] == "exec" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])):
        words.pop(0)
    via, argv = f" (through {argv[0]} -c)", words
if not argv:
    fail("the image has no entrypoint and no cmd: it would not start the service "
         "(Jib writes one unless <entrypoint>INHERIT</entrypoint>)")
elif posixpath.basename(argv[0]) != "java" and not argv[0].endswith("/bin/java"):
    fail(f"the entrypoint runs {argv[0]!r}, not java: {json.dumps(entrypoint or cmd)}")
else:
    args, jar, main, classpath = argv[1:], None, None, None
    k = 0
    while k < len(args):
        a = args[k]
        if a == "-jar" and k + 1 < len(args):
            jar = args[k + 1]
            break
        if a in ("-m", "--module") and k + 1 < len(args):
            main = args[k + 1]
            break
        if a.startswith("--class-path="):
            classpath = a.split("=", 1)[1]
        elif a in OPTS_WITH_VALUE and k + 1 < len(args):
            if a in ("-cp", "-classpath", "--class-path"):
                classpath = args[k + 1]
            k += 2
            continue
        elif a.startswith("@") and main is None and classpath is None:
            referenced.append(a[1:])           # an argument file of JVM options
        elif not a.startswith("-"):
            main = a
            break
        k += 1
    if jar:
        referenced.append(jar)
        ok(f"the entrypoint runs java -jar {jar}{via}")
    elif main and MAIN_CLASS.match(main):
        if main.startswith("@"):
            referenced.append(main[1:])
        if classpath and classpath.startswith("@"):
            referenced.append(classpath[1:])
        ok(f"the entrypoint runs java, main class {main}" + (f", classpath {classpath}" if classpath else "") + via)
    else:
        fail(f"the entrypoint runs java but names neither -jar <file> nor a main class: {json.dumps(argv)}")

# user: not root
user = (cfg.get("User") or "").strip()
uname, _, _group = user.partition(":")
passwd = {}
if passwd_text:
    for line in passwd_text.splitlines():
        f = line.split(":")
        if len(f) >= 3 and f[2].isdigit():
            passwd[f[0]] = f[2]
uid = uname if uname.isdigit() else passwd.get(uname)
if not uname:
    fail("no user is set: the service would run as root (set <container><user> in Jib, e.g. 10001)")
elif uname == "root" or uid == "0" or (uname.isdigit() and int(uname) == 0):
    fail(f"the user is {user!r}, which is root")
else:
    ok(f"runs as {user!r}" + (f" (uid {uid} in /etc/passwd)" if uid and not uname.isdigit() else "")
       + ("" if uid or uname.isdigit() else " (not in the image's /etc/passwd: the runtime must know it)"))
if expected_user:
    exp_uid = expected_user if expected_user.isdigit() else passwd.get(expected_user)
    if user and (uname == expected_user or (uid is not None and uid == exp_uid)):
        ok(f"the user is the expected {expected_user!r}")
    else:
        fail(f"the user is {user or '(not set)'!r}, expected {expected_user!r}")

# ports
want = expected_port if "/" in expected_port else f"{expected_port}/tcp"
if want in ports:
    ok(f"exposes {want}")
else:
    fail(f"does not expose {want} (exposed: {', '.join(ports) or 'none'}; set <container><ports> in Jib)")

# the application under /app
if app_files:
    layers_with_app = sorted({i for i in app_files.values()})
    sample = sorted(app_files)[:5]
    ok(f"{len(app_files)} file(s) under /app, in layer(s) {', '.join(str(i + 1) for i in layers_with_app)}: "
       + ", ".join("/" + p for p in sample) + (", …" if len(app_files) > 5 else ""))
else:
    fail("no layer holds a file under /app: the application is not in the image")
for ref in dict.fromkeys(referenced):
    path = norm(ref)
    if path.startswith("app/"):
        if path in app_files:
            ok(f"{ref}, which the entrypoint names, is in layer {app_files[path] + 1}")
        else:
            fail(f"the entrypoint names {ref}, but no layer holds it")

if failures:
    print(f"\n{len(failures)} check(s) failed:")
    for f in failures:
        print(f"  - {f}")
    sys.exit(1)
print("\nall checks passed")
PY
