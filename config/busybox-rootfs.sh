#!/usr/bin/env bash
# Builds a root filesystem tarball whose whole userland is Debian's static busybox, for
# `docker import` / `podman import` (no registry is needed). Usage: config/busybox-rootfs.sh OUT.tar
set -euo pipefail
out=${1:?usage: $0 OUT.tar}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "install busybox-static first (config/host-setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,etc,tmp,root,proc,sys,dev}
chmod 1777 "$work/tmp"; chmod 700 "$work/root"
cp "$busybox" "$work/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$work/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$work/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$work/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$work" -cf "$out" .
echo "$out"
