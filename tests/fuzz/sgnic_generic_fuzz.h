/*
 * sgnic entry for QEMU's generic-fuzz (generic-fuzz-sgnic).
 *
 * tests/fuzz/tree-hooks.sh includes this file from the tree's
 * tests/qtest/fuzz/generic_fuzz_configs.h, before predefined_configs[],
 * and puts SGNIC_GENERIC_FUZZ_CONFIG inside that table.  sgnic_fuzz.c uses
 * the same firmware lookup for its own targets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SGNIC_GENERIC_FUZZ_H
#define SGNIC_GENERIC_FUZZ_H

/*
 * "-L dir " for the BIOS: Debian's source tree carries no firmware blobs,
 * so scripts/build-qemu.sh gathers Debian's seabios and qemu-system-data
 * in $SGNIC_CACHE/firmware.  SGNIC_FIRMWARE_DIR overrides it.
 */
static inline gchar *sgnic_fuzz_firmware_opt(void)
{
    g_autofree gchar *dir = NULL;
    const char *cache = g_getenv("SGNIC_CACHE");

    if (g_getenv("SGNIC_FIRMWARE_DIR")) {
        dir = g_strdup(g_getenv("SGNIC_FIRMWARE_DIR"));
    } else if (cache) {
        dir = g_build_filename(cache, "firmware", NULL);
    } else {
        dir = g_build_filename(g_get_home_dir(), ".cache", "sgnic",
                               "firmware", NULL);
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        return g_strdup("");
    }
    return g_strdup_printf("-L %s ", dir);
}

/*
 * One sgnic on a hub port of its own: frames it sends go nowhere, and
 * generic-fuzz reaches receive only through the device's loopback.
 */
static inline gchar *sgnic_generic_fuzz_args(void)
{
    g_autofree gchar *fw = sgnic_fuzz_firmware_opt();

    return g_strdup_printf("-M q35 -nodefaults %s"
                           "-netdev hubport,id=h0,hubid=0 "
                           "-device sgnic,netdev=h0", fw);
}

#define SGNIC_GENERIC_FUZZ_CONFIG {                 \
        .name = "sgnic",                            \
        .argfunc = sgnic_generic_fuzz_args,         \
        .objects = "sgnic*",                        \
    },

#endif
