#!/bin/sh
# Installs the Debian packages cpcsim needs to build and test, when missing;
# `deps.sh bench` also what make bench needs (numpy, for the peer), and
# `deps.sh notebook` what the notebook's report needs (make report, make
# figures and make check, which runs it): nbconvert, the Python kernel,
# pandas and matplotlib, all Debian's, used with /usr/bin/python3; and
# `deps.sh mpi` Open MPI, for cpcsim-mpi (make mpi, and make check's test of it).
set -e
need=""
extra=""
for what in "$@"; do
    case $what in
    bench) extra="$extra python3-numpy" ;;
    notebook) extra="$extra jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib" ;;
    mpi) extra="$extra libopenmpi-dev openmpi-bin" ;;
    *) echo "deps.sh: unknown set '$what' (bench, notebook, mpi)" >&2; exit 64 ;;
    esac
done
for pkg in gcc make pkg-config libgsl-dev libcsv-dev libcmocka-dev librandom123-dev locales python3 valgrind groff-base $extra; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "installing:$need"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
