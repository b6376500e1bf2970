# Pinned upstream inputs: the only place these versions are written.
# shellcheck shell=bash

# Debian binary package carrying the 6.12 kernel source tarball.
KERNEL_PKG='linux-source-6.12'
KERNEL_PKG_VERSION='6.12.117-1~deb12u1'

# Debian source package whose orig tarball is QEMU 10.0.2 (bookworm-backports).
QEMU_SRCPKG='qemu'
QEMU_UPSTREAM_VERSION='10.0.2'
QEMU_SRCPKG_VERSION='1:10.0.2+ds-2+deb13u1~bpo12+1'
