#!/bin/sh
# Installs the Debian packages cpcsim needs to build and test, when missing;
# `deps.sh bench` also what make bench needs (numpy, for the peer).
set -e
need=""
extra=""
[ "${1:-}" = bench ] && extra="python3-numpy"
for pkg in gcc make pkg-config libgsl-dev libcsv-dev libcmocka-dev librandom123-dev locales python3 valgrind groff-base $extra; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "installing:$need"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
