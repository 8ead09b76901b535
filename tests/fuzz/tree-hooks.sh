# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sourced by scripts/build-qemu.sh (SGNIC_EXTRA_HOOKS, set by scripts/fuzz.sh)
# after the device is linked into the QEMU tree: link sgnic's fuzz targets
# into tests/qtest/fuzz/ and add the sgnic entry to generic-fuzz's predefined
# configurations.  Every step is idempotent; a build without --enable-fuzzing
# never reads these files.
fuzz_dir=$tree/tests/qtest/fuzz
[ -f "$fuzz_dir/generic_fuzz_configs.h" ] ||
	die "$fuzz_dir has no generic_fuzz_configs.h: not a QEMU 10.0 fuzz framework"
ln -sfn "$SGNIC_ROOT/tests/fuzz/sgnic_fuzz.c" "$fuzz_dir/sgnic_fuzz.c"
ln -sfn "$SGNIC_ROOT/tests/fuzz/sgnic_generic_fuzz.h" "$fuzz_dir/sgnic_generic_fuzz.h"
hook "$fuzz_dir/meson.build" \
	"specific_fuzz_ss.add(when: 'CONFIG_SGNIC', if_true: files('sgnic_fuzz.c'))" \
	"^specific_fuzz_ss.add(files('generic_fuzz.c'))"
# The header defines the argument function and SGNIC_GENERIC_FUZZ_CONFIG
# before the table; the macro adds the entry as the table's first element.
hook "$fuzz_dir/generic_fuzz_configs.h" '#include "sgnic_generic_fuzz.h"' \
	"^} generic_fuzz_config;"
hook "$fuzz_dir/generic_fuzz_configs.h" "    SGNIC_GENERIC_FUZZ_CONFIG" \
	"^const generic_fuzz_config predefined_configs\[\] = {"
