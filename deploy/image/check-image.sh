#!/usr/bin/env bash
# The image, built and checked without Docker: the base image from Debian packages (once, cached), the
# service's image by Jib, its tarball inspected, then its layers unpacked and the JRE run from them as the
# image's user, with the jar compared to the one the build made. Run as root (debootstrap, chroot).
set -euo pipefail
cd "$(dirname "$0")/../.."

base=target/base-image/inference-ledger-base.tar
image=ledger-service/target/jib-image.tar
[[ -f "$base" ]] || deploy/image/build-base-image.sh "$base"

./mvnw -B -q -Pimage -pl ledger-service -am -DskipTests package
deploy/image/inspect-image.sh "$image" 8080 10001

root=$(mktemp -d)
chmod 755 "$root" # the image's / as its user sees it
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
python3 - "$image" "$root" <<'PY'
import json, sys, tarfile
image, root = sys.argv[1], sys.argv[2]
with tarfile.open(image) as outer:
    manifest = json.load(outer.extractfile("manifest.json"))[0]
    for layer in manifest["Layers"]:
        with tarfile.open(fileobj=outer.extractfile(layer), mode="r:*") as tar:
            tar.extractall(root, filter="fully_trusted")
PY
mount -t proc proc "$root/proc" # as a container runtime does (the JRE finds its libraries through it)
echo "run from the unpacked layers, as 10001:10001:"
chroot --userspec=10001:10001 "$root" java -version
cmp "$root/app/ledger-service.jar" ledger-service/target/ledger-service.jar
echo "ok: /app/ledger-service.jar is the jar the build made ($(sha256sum < ledger-service/target/ledger-service.jar | cut -c1-16)…)"
