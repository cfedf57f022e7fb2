#!/usr/bin/env bash
# Builds the ledger's base image (Debian bookworm, minbase, OpenJDK 17 JRE headless, CA certificates)
# without any container registry or Docker engine: debootstrap from the Debian mirror this machine's apt
# already uses, trim the tree, and pack it in `docker save` form so Jib can take it as
# <from><image>tar://…</image></from>.
#
# Usage: deploy/image/build-base-image.sh [options] [OUTPUT_TAR [CACHE_DIR]]
#   --output PATH      the image tarball (default: target/base-image/inference-ledger-base.tar under the repo root)
#   --cache-dir DIR    the debootstrapped tree, reused when present (default: $BASE_ROOTFS_CACHE or
#                      ~/.cache/inference-ledger/base-rootfs)
#   --mirror URL       the Debian mirror (default: read from /etc/apt/sources.list{,.d/*}; env BASE_IMAGE_MIRROR)
#   --tag NAME:TAG     the RepoTag written to manifest.json (default: inference-ledger-base:17)
#   --refresh          throw the cached tree away and debootstrap again
#   --no-upgrade       do not apply the -updates / -security packages to a fresh tree
#   -h, --help
# Environment: SOURCE_DATE_EPOCH fixes the timestamps in the image (default: when the cached tree was made).
# Needs root (debootstrap and chroot).
set -euo pipefail

SUITE=bookworm                       # openjdk-17 is bookworm's JDK; trixie ships 21
INCLUDE=openjdk-17-jre-headless,ca-certificates
VARIANT=minbase
APP_USER=ledger                      # the same non-root account deploy/Dockerfile makes
APP_UID=10001

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)

output="$repo_root/target/base-image/inference-ledger-base.tar"
cache_dir="${BASE_ROOTFS_CACHE:-${HOME:-/root}/.cache/inference-ledger/base-rootfs}"
mirror="${BASE_IMAGE_MIRROR:-}"
tag="${BASE_IMAGE_TAG:-inference-ledger-base:17}"
refresh=0
upgrade=1

log() { printf '[base-image] %s\n' "$*" >&2; }
die() { printf '[base-image] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

positional=()
while (($#)); do
  case "$1" in
    --output) output=${2:?--output needs a path}; shift 2 ;;
    --output=*) output=${1#*=}; shift ;;
    --cache-dir) cache_dir=${2:?--cache-dir needs a path}; shift 2 ;;
    --cache-dir=*) cache_dir=${1#*=}; shift ;;
    --mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
    --mirror=*) mirror=${1#*=}; shift ;;
    --tag) tag=${2:?--tag needs NAME:TAG}; shift 2 ;;
    --tag=*) tag=${1#*=}; shift ;;
    --refresh) refresh=1; shift ;;
    --no-upgrade) upgrade=0; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; positional+=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} <= 2)) || die "too many arguments (see --help)"
((${#positional[@]} >= 1)) && output=${positional[0]}
((${#positional[@]} >= 2)) && cache_dir=${positional[1]}

[[ $(id -u) == 0 ]] || die "must run as root (debootstrap and chroot need it)"
[[ $output == /* ]] || output="$PWD/$output"
[[ $cache_dir == /* ]] || cache_dir="$PWD/$cache_dir"
cache_dir=${cache_dir%/}
[[ $tag == *:* ]] || tag="$tag:latest"

dpkg_arch=$(dpkg --print-architecture)
# dpkg's architecture names -> OCI/Go names (and the ARM variant where OCI wants one)
oci_variant=""
case "$dpkg_arch" in
  amd64) oci_arch=amd64 ;;
  arm64) oci_arch=arm64; oci_variant=v8 ;;
  armhf) oci_arch=arm; oci_variant=v7 ;;
  armel) oci_arch=arm; oci_variant=v5 ;;
  i386) oci_arch=386 ;;
  ppc64el) oci_arch=ppc64le ;;
  s390x) oci_arch=s390x ;;
  riscv64) oci_arch=riscv64 ;;
  mips64el) oci_arch=mips64le ;;
  *) die "no OCI name known for the dpkg architecture $dpkg_arch" ;;
esac

# --- the mirror: the first deb source apt uses for $SUITE --------------------------------------------------
# Prints "URI<TAB>SUITE<TAB>COMPONENTS<TAB>SIGNED-BY" for each enabled deb source of apt, in apt's order
# (sources.list, then sources.list.d/*.list and *.sources by name; files with other endings are ignored, as
# apt ignores them). Reads both the one-line and the deb822 format.
apt_sources() {
  local f files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*; do
    [[ -f $f && ( $f == *.list || $f == *.sources ) ]] && files+=("$f")
  done
  for f in "${files[@]}"; do
    if [[ $f == *.sources ]]; then
      awk '
        function flush(   i, j, k, nt, ns, nu, t, s, u, isdeb) {
          if (enabled != "no" && types != "") {
            nt = split(types, t, /[ \t]+/); isdeb = 0
            for (i = 1; i <= nt; i++) if (t[i] == "deb") isdeb = 1
            if (isdeb) {
              nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
              for (j = 1; j <= nu; j++) for (k = 1; k <= ns; k++)
                if (u[j] != "" && s[k] != "") printf "%s\t%s\t%s\t%s\n", u[j], s[k], comps, signed
            }
          }
          types = uris = suites = comps = signed = last = ""; enabled = "yes"
        }
        BEGIN { enabled = "yes" }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/ { if (last == "signed-by") next; sub(/^[ \t]+/, ""); val = $0
                   if (last == "types") types = types " " val; else if (last == "uris") uris = uris " " val
                   else if (last == "suites") suites = suites " " val; else if (last == "components") comps = comps " " val
                   next }
        {
          key = tolower(substr($0, 1, index($0, ":") - 1)); val = substr($0, index($0, ":") + 1)
          sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val); last = key
          if (key == "types") types = val; else if (key == "uris") uris = val
          else if (key == "suites") suites = val; else if (key == "components") comps = val
          else if (key == "signed-by") signed = val; else if (key == "enabled") enabled = tolower(val)
        }
        END { flush() }' "$f"
    else
      awk '
        /^[ \t]*#/ || NF == 0 { next }
        $1 != "deb" { next }
        {
          line = $0; sub(/#.*/, "", line); signed = ""
          if (match(line, /\[[^]]*\]/)) {
            opts = substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
            n = split(opts, o, /[ \t]+/)
            for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=/) signed = substr(o[i], 11)
          }
          n = split(line, w, /[ \t]+/); comps = ""
          for (i = 4; i <= n; i++) comps = comps (comps == "" ? "" : " ") w[i]
          printf "%s\t%s\t%s\t%s\n", w[2], w[3], comps, signed
        }' "$f"
    fi
  done
}

keyring=""
if [[ -z $mirror ]]; then
  while IFS=$'\t' read -r uri suite comps signed; do
    if [[ $suite == "$SUITE" && " $comps " == *" main "* && $uri =~ ^(https?|file): ]]; then
      mirror=$uri
      [[ -n $signed && -f $signed ]] && keyring=$signed
      break
    fi
  done < <(apt_sources)
  [[ -n $mirror ]] || die "no 'deb' source for suite $SUITE (component main) in /etc/apt/sources.list or /etc/apt/sources.list.d/; pass --mirror URL"
  log "mirror (from apt's sources): $mirror"
else
  log "mirror (given): $mirror"
fi
mirror=${mirror%/}

# --- debootstrap, unless the cached tree is there ------------------------------------------------------------
ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  log "installing debootstrap with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show debootstrap >/dev/null 2>&1 || [[ -z $(apt-cache policy debootstrap 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}') ]]; then
    apt-get update -q
  fi
  if ! apt-get install -y -q --no-install-recommends debootstrap; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends debootstrap
  fi
  command -v debootstrap >/dev/null || die "debootstrap did not install"
}

info_file="$cache_dir.info"        # what the cached tree was made with, and when
cache_key="suite=$SUITE arch=$dpkg_arch variant=$VARIANT include=$INCLUDE upgrade=$upgrade user=$APP_USER:$APP_UID"
mkdir -p "$(dirname "$cache_dir")"
exec 9>"$cache_dir.lock"
flock -n 9 || { log "waiting for another build that holds $cache_dir.lock"; flock 9; }

if [[ -d $cache_dir ]] && { ((refresh)) || [[ ! -f $info_file ]] || ! grep -qxF "key=$cache_key" "$info_file"; }; then
  if ((refresh)); then
    log "--refresh: removing the cached tree $cache_dir"
  else
    log "the cached tree $cache_dir was made with other settings (or not finished): making it again"
  fi
  rm -rf --one-file-system "$cache_dir" "$info_file"
fi

proc_mounted=""
staging=""
cleanup() {
  if [[ -n $proc_mounted ]]; then umount "$proc_mounted" 2>/dev/null || true; fi
  [[ -n $staging && -d $staging ]] && rm -rf "$staging"
}
trap cleanup EXIT

in_root() { chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                    DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "${@:2}"; }

if [[ -d $cache_dir ]]; then
  log "reusing the cached tree $cache_dir ($(sed -n 's/^made=//p' "$info_file"), debootstrap took $(sed -n 's/^debootstrap_seconds=//p' "$info_file") s then)"
  debootstrap_seconds=""
else
  ensure_debootstrap
  partial="$cache_dir.partial"
  rm -rf --one-file-system "$partial"
  args=(--variant="$VARIANT" --arch="$dpkg_arch" --include="$INCLUDE")
  [[ -n $keyring ]] && args+=(--keyring="$keyring")
  log "debootstrap ${args[*]} $SUITE $partial $mirror"
  t0=$(date +%s)
  if ! debootstrap "${args[@]}" "$SUITE" "$partial" "$mirror" >&2; then
    [[ -f $partial/debootstrap/debootstrap.log ]] && tail -n 30 "$partial/debootstrap/debootstrap.log" >&2
    die "debootstrap failed (the partial tree is left in $partial)"
  fi
  debootstrap_seconds=$(($(date +%s) - t0))
  log "debootstrap took ${debootstrap_seconds} s"

  mount -t proc proc "$partial/proc"; proc_mounted="$partial/proc"
  if ((upgrade)); then
    # debootstrap takes one suite; security fixes to the JRE come through -security and -updates. Give the
    # tree the same Debian sources the host uses for this suite and apply them.
    {
      printf 'deb %s %s main\n' "$mirror" "$SUITE"
      while IFS=$'\t' read -r uri suite comps signed; do
        [[ $suite == "$SUITE-updates" || $suite == "$SUITE-security" ]] || continue
        [[ " $comps " == *" main "* && $uri =~ ^https?: ]] || continue
        printf 'deb %s %s main\n' "${uri%/}" "$suite"
      done < <(apt_sources | awk -F'\t' '!seen[$1" "$2]++')
    } >"$partial/etc/apt/sources.list"
    log "applying updates from: $(awk '{printf "%s%s %s", (NR>1?", ":""), $2, $3}' "$partial/etc/apt/sources.list")"
    apt_opts=()
    # a host that reads a frozen (snapshot) mirror turns the Valid-Until check off; do the same in the tree
    if apt-config dump 2>/dev/null | grep -qi '^Acquire::Check-Valid-Until "false"'; then
      apt_opts+=(-o Acquire::Check-Valid-Until=false)
    fi
    in_root "$partial" apt-get "${apt_opts[@]}" update -q >&2
    in_root "$partial" apt-get "${apt_opts[@]}" -y -q -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0 upgrade >&2
    in_root "$partial" apt-get clean
  fi
  # the non-root account the service runs as (Jib cannot RUN useradd; deploy/Dockerfile does the same)
  if ! in_root "$partial" getent passwd "$APP_USER" >/dev/null; then
    in_root "$partial" groupadd --system --gid "$APP_UID" "$APP_USER"
    in_root "$partial" useradd --system --uid "$APP_UID" --gid "$APP_UID" --home-dir /nonexistent \
      --no-create-home --shell /usr/sbin/nologin "$APP_USER"
  fi
  umount "$partial/proc"; proc_mounted=""

  mv "$partial" "$cache_dir"
  {
    echo "key=$cache_key"
    echo "mirror=$mirror"
    echo "made=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "made_epoch=$(date +%s)"
    echo "debootstrap_seconds=$debootstrap_seconds"
  } >"$info_file"
fi
rootfs=$cache_dir

# --- trim (idempotent, so a reused tree packs to the same bytes) ----------------------------------------------
log "trimming the tree"
(
  cd "$rootfs"
  # package lists and downloads (apt makes lists/partial again, owned by _apt, at its next update)
  rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/apt/archives/partial/* \
         var/cache/debconf/*-old var/lib/dpkg/*-old var/cache/ldconfig/aux-cache \
         var/log/* tmp/* var/tmp/* debootstrap
  # documentation and manuals; each package's copyright file stays (the licences travel with the image)
  find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
  find usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf usr/share/man/* usr/share/info/* usr/share/groff/* usr/share/lintian/* usr/share/linda/*
  # message catalogues and compiled locales: only C (and C.UTF-8, which libc itself ships) remain
  find usr/share/locale -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} + 2>/dev/null || true
  find usr/lib/locale -mindepth 1 -maxdepth 1 ! -name 'C.utf8' ! -name 'C.UTF-8' -exec rm -rf {} + 2>/dev/null || true
  rm -rf usr/share/i18n/locales
  # the runtime provides these; the build host's must not ship
  : >etc/resolv.conf
  : >etc/hostname
  rm -f etc/machine-id var/lib/dbus/machine-id
)

# --- what the image says about itself ----------------------------------------------------------------------
java_bin=$(readlink -f "$rootfs/etc/alternatives/java" 2>/dev/null || true)
if [[ -z $java_bin || ! -x $java_bin ]]; then
  for candidate in "$rootfs"/usr/lib/jvm/java-17-openjdk-*/bin/java; do
    [[ -x $candidate ]] && { java_bin=$candidate; break; }
  done
fi
[[ -n $java_bin && -x $java_bin ]] || die "no java in the tree: was $INCLUDE installed? (look in $rootfs/usr/lib/jvm)"
java_home=${java_bin#"$rootfs"}; java_home=${java_home%/bin/java}
[[ -s $rootfs/etc/ssl/certs/java/cacerts ]] || die "the JRE's CA store $rootfs/etc/ssl/certs/java/cacerts is missing or empty"
jre_version=$(dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f='${Version}' openjdk-17-jre-headless)
mount -t proc proc "$rootfs/proc"; proc_mounted="$rootfs/proc"
java_out=$(in_root "$rootfs" "$java_home/bin/java" -version 2>&1) || die "java does not start in the tree: $java_out"
umount "$rootfs/proc"; proc_mounted=""
java_says=${java_out%%$'\n'*}
log "JRE: $java_home ($java_says; package $jre_version)"

epoch=${SOURCE_DATE_EPOCH:-$(sed -n 's/^made_epoch=//p' "$info_file")}
[[ $epoch =~ ^[0-9]+$ ]] || epoch=1
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

# --- pack: one layer tar, its config, manifest.json, all in one docker-save tar ---------------------------------
out_dir=$(dirname "$output")
mkdir -p "$out_dir"
staging=$(mktemp -d "$out_dir/.base-image.XXXXXX")
log "packing the layer"
t_pack=$(date +%s)
# --numeric-owner keeps each file's owner and group as numbers (root 0:0 for nearly all, a few system
# groups such as shadow), -p keeps modes; sorted names, one mtime and the GNU format (no atime/ctime,
# no PAX headers named after a pid) give the same bytes from the same tree.
tar --create --file "$staging/layer.tar" --directory "$rootfs" \
    --sort=name --numeric-owner --preserve-permissions --format=gnu --mtime="@$epoch" \
    --one-file-system \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' \
    --exclude='./tmp/*' --exclude='./var/tmp/*' \
    .
diff_id=$(sha256sum "$staging/layer.tar" | cut -d' ' -f1)
mv "$staging/layer.tar" "$staging/$diff_id.tar"

path_env="PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
variant_json=""
[[ -n $oci_variant ]] && variant_json=",\"variant\":\"$oci_variant\""
printf '%s' \
  "{\"architecture\":\"$oci_arch\"$variant_json,\"os\":\"linux\",\"created\":\"$created\"," \
  "\"config\":{\"Env\":[\"$path_env\",\"JAVA_HOME=$java_home\",\"LANG=C.UTF-8\"]," \
  "\"Cmd\":[\"bash\"],\"WorkingDir\":\"/\"," \
  "\"Labels\":{\"org.opencontainers.image.title\":\"${tag%:*}\"," \
  "\"org.opencontainers.image.description\":\"Debian $SUITE $VARIANT, openjdk-17-jre-headless $jre_version, user $APP_USER ($APP_UID)\"}}," \
  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]}," \
  "\"history\":[{\"created\":\"$created\",\"created_by\":\"debootstrap --variant=$VARIANT --include=$INCLUDE $SUITE (deploy/image/build-base-image.sh)\"}]}" \
  >"$staging/config.tmp"
config_sha=$(sha256sum "$staging/config.tmp" | cut -d' ' -f1)
mv "$staging/config.tmp" "$staging/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar"]}]' "$config_sha" "$tag" "$diff_id" \
  >"$staging/manifest.json"
chmod 0644 "$staging"/*
if command -v python3 >/dev/null; then   # catch a malformed config here rather than in Jib
  python3 -c 'import json,sys; [json.load(open(p)) for p in sys.argv[1:]]' "$staging/manifest.json" "$staging/$config_sha.json" \
    || die "wrote malformed JSON"
fi

tar --create --file "$staging/image.tar" --directory "$staging" \
    --sort=name --numeric-owner --owner=0 --group=0 --format=gnu --mtime="@$epoch" \
    manifest.json "$config_sha.json" "$diff_id.tar"
mv -f "$staging/image.tar" "$output"
pack_seconds=$(($(date +%s) - t_pack))

size=$(stat -c %s "$output")
log "done in ${SECONDS} s (packing ${pack_seconds} s${debootstrap_seconds:+, debootstrap ${debootstrap_seconds} s})"
printf 'image:     %s\n' "$output"
printf 'size:      %s bytes (%s)\n' "$size" "$(numfmt --to=iec-i --suffix=B "$size")"
printf 'tag:       %s\n' "$tag"
printf 'image id:  sha256:%s\n' "$config_sha"
printf 'diff_id:   sha256:%s\n' "$diff_id"
printf 'platform:  linux/%s%s\n' "$oci_arch" "${oci_variant:+/$oci_variant}"
printf 'JAVA_HOME: %s\n' "$java_home"
