# privnode: private memory NUMA nodes for Linux 6.12.
# The two commands a newcomer needs:  make demo   and   make check
# Everything is built in $(PRIVNODE_CACHE) (default ~/.cache/privnode).

SHELL := /bin/bash
S := scripts
export PRIVNODE_CACHE ?= $(HOME)/.cache/privnode

# Set SUITES=a,b to run some guest suites only (make check, make guest-test).
export SUITES
export GUEST_TIMEOUT
export BENCH_CRAM

.PHONY: help check demo vm guest-test unit deps userspace kernel-tree kernel \
	kernel-debug qemu initramfs export export-qemu checkpatch check-series \
	check-debug check-modules build-matrix bench bench-mm bench-cram clean

help:
	@echo "make demo          build everything, boot the CXL guest, show a CXL node in use"
	@echo "make check         unit tests, checkpatch, builds, every guest suite; one summary line"
	@echo "make guest-test SUITES=cxl-baseline   boot and run some guest suites only"
	@echo "make vm            interactive guest shell (leave with 'poweroff -f')"
	@echo "make kernel-tree   kernel git tree with patches/ applied (for kernel work)"
	@echo "make export        export that tree back into patches/"
	@echo "make export-qemu   export the QEMU tree (~/.cache/privnode/qemu) back into qemu/"
	@echo "make checkpatch    checkpatch.pl --strict on every patch"
	@echo "make check-series  build every prefix of the series (slow)"
	@echo "make check-debug   make check on a KASAN/lockdep/kmemleak kernel (slow)"
	@echo "make check-modules the region suites on a kernel whose dax drivers are modules"
	@echo "make build-matrix  the series in the configurations review asks for (slow)"
	@echo "make kernel-debug  the debug kernel of make check-debug"
	@echo "make bench         CXL device vs DRAM throughput in one boot (BENCH_MB, BENCH_ROUNDS)"
	@echo "make bench-mm      the series' cost on ordinary memory: unpatched vs 0/1/8 private nodes (slow)"
	@echo "make bench-cram    zswap (lz4, zstd) against cram (CXL device, software) at half the DRAM (slow)"

check:
	@$(S)/check.sh

check-debug:
	@CHECK_VARIANT=debug $(S)/check.sh

check-modules:
	@CHECK_VARIANT=modules $(S)/check.sh

build-matrix: deps
	@$(S)/build-matrix.sh

demo: deps guest-artifacts
	@$(S)/guest.sh demo

vm: deps guest-artifacts
	@$(S)/guest.sh shell

# Benchmarks are guest suites named bench-*, never part of make check.
bench: deps guest-artifacts
	@$(S)/bench.sh

# Builds the unpatched kernel and the bench kernels itself.
bench-mm: deps qemu initramfs
	@$(S)/bench-mm.sh

# Builds the bench kernel itself; BENCH_CRAM=KEY=VALUE,... sizes the run.
bench-cram: deps qemu initramfs
	@$(S)/bench-cram.sh

guest-test: deps guest-artifacts
	@$(S)/guest.sh test

guest-artifacts: kernel qemu initramfs

deps:
	@$(S)/install-deps.sh

unit: deps userspace
	@ctest --test-dir $(PRIVNODE_CACHE)/build/userspace --output-on-failure

userspace: deps
	@$(S)/build-userspace.sh >/dev/null

kernel-tree: deps
	@$(S)/kernel-tree.sh && echo "kernel tree: $(PRIVNODE_CACHE)/linux (branch privnode)"

kernel: kernel-tree
	@$(S)/build-kernel.sh test >/dev/null

kernel-debug: kernel-tree
	@$(S)/build-kernel.sh debug

qemu: deps
	@$(S)/build-qemu.sh >/dev/null

initramfs: userspace kernel
	@[ ! -x $(S)/build-selftests.sh ] || $(S)/build-selftests.sh
	@$(S)/mkinitramfs.sh $(PRIVNODE_CACHE)/build/userspace $(PRIVNODE_CACHE)/build/initramfs.cpio.gz

export:
	@$(S)/export-series.sh kernel

export-qemu:
	@$(S)/export-series.sh qemu

checkpatch: kernel-tree
	@$(S)/checkpatch.sh

check-series: deps
	@$(S)/check-series.sh

clean:
	rm -rf $(PRIVNODE_CACHE)/build $(PRIVNODE_CACHE)/runs
