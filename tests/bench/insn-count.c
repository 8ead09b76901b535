// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insn-count: a TCG plugin that counts the guest instructions executed
 * between two marks the guest sets, per translation block of the kernel,
 * so that the host can name where they ran (scripts/bench.sh --insns).
 *
 *   qemu-system-x86_64 -plugin build/insn-count.so,out=FILE ...
 *
 * Every translated block gets a counter per vCPU to which the block's
 * instruction count is added each time it starts (an inline add: no
 * helper call, so the guest runs nearly as fast as without the plugin).
 * Blocks are counted by their first address: the same code translated
 * twice shares one counter.  A block that an interrupt or a fault leaves
 * early still counts whole, which costs a few instructions per exception.
 *
 * The marks are the 7-byte NOP that compilers pad with, "nopl disp32(%rax)",
 * but with a displacement they never use, INSN_MARK_MAGIC | op, executed by
 * tests/bench/insn-mark:
 * op 'B' takes a snapshot of every counter, op 'E' appends to FILE what
 * each kernel block executed since, and the sum for user space:
 *
 *   @window N vcpus=V user=U kernel=K blocks=B
 *   ffffffffc0a01234 812
 *   ...
 *   @end N
 *
 * Kernel addresses are those with bit 63 set (x86-64's upper half).  The
 * counters of another vCPU are read while it runs: a window's edges are
 * exact to within the blocks in flight at that moment.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

#include "insn-mark.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct block {
    uint64_t pc;
    qemu_plugin_u64 insns;  /* per vCPU: instructions run from here */
    uint64_t base;          /* the sum over vCPUs at the last 'B' mark */
};

static GMutex lock;
static GHashTable *blocks;  /* pc -> struct block */
static qemu_plugin_u64 user_insns;  /* per vCPU: all of user space */
static uint64_t user_base;
static FILE *out;
static unsigned int windows;
static bool open_window;

static void mark_begin(void)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, blocks);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        struct block *b = v;

        b->base = qemu_plugin_u64_sum(b->insns);
    }
    user_base = qemu_plugin_u64_sum(user_insns);
    open_window = true;
}

static void mark_end(void)
{
    g_autoptr(GString) lines = g_string_new(NULL);
    GHashTableIter it;
    gpointer v;
    uint64_t kernel = 0, user;
    unsigned int n = 0;

    if (!open_window) {
        fprintf(out, "@error end mark %u without a begin mark\n", windows);
        fflush(out);
        return;
    }
    g_hash_table_iter_init(&it, blocks);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        struct block *b = v;
        uint64_t d = qemu_plugin_u64_sum(b->insns) - b->base;

        if (!d) {
            continue;
        }
        g_string_append_printf(lines, "%016" PRIx64 " %" PRIu64 "\n",
                               b->pc, d);
        kernel += d;
        n++;
    }
    user = qemu_plugin_u64_sum(user_insns) - user_base;
    fprintf(out, "@window %u vcpus=%d user=%" PRIu64 " kernel=%" PRIu64
            " blocks=%u\n", windows, qemu_plugin_num_vcpus(), user, kernel, n);
    fputs(lines->str, out);
    fprintf(out, "@end %u\n", windows);
    fflush(out);
    windows++;
    open_window = false;
}

static void vcpu_mark(unsigned int vcpu_index, void *udata)
{
    g_mutex_lock(&lock);
    if (GPOINTER_TO_UINT(udata) == INSN_MARK_BEGIN) {
        mark_begin();
    } else {
        mark_end();
    }
    g_mutex_unlock(&lock);
}

/* The mark's op if @insn is one, else 0. */
static unsigned int mark_op(struct qemu_plugin_insn *insn)
{
    uint8_t code[INSN_MARK_LEN];
    uint32_t disp;

    if (qemu_plugin_insn_size(insn) != INSN_MARK_LEN ||
        qemu_plugin_insn_data(insn, code, sizeof(code)) != sizeof(code) ||
        memcmp(code, insn_mark_opcode, sizeof(insn_mark_opcode))) {
        return 0;
    }
    memcpy(&disp, code + sizeof(insn_mark_opcode), sizeof(disp));
    disp = GUINT32_FROM_LE(disp);
    if ((disp & ~0xffu) != (uint32_t)INSN_MARK_MAGIC) {
        return 0;
    }
    disp &= 0xff;
    return disp == INSN_MARK_BEGIN || disp == INSN_MARK_END ? disp : 0;
}

/* User space: one sum, and the marks live there. */
static void user_tb_trans(struct qemu_plugin_tb *tb, size_t n)
{
    size_t i;

    qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
        tb, QEMU_PLUGIN_INLINE_ADD_U64, user_insns, n);
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        unsigned int op = mark_op(insn);

        if (op) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, vcpu_mark,
                                                   QEMU_PLUGIN_CB_NO_REGS,
                                                   GUINT_TO_POINTER(op));
        }
    }
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    size_t n = qemu_plugin_tb_n_insns(tb);
    struct block *b;

    if (!(pc >> 63)) {
        user_tb_trans(tb, n);
        return;
    }
    g_mutex_lock(&lock);
    b = g_hash_table_lookup(blocks, &pc);
    if (!b) {
        b = g_new0(struct block, 1);
        b->pc = pc;
        b->insns = qemu_plugin_scoreboard_u64(
            qemu_plugin_scoreboard_new(sizeof(uint64_t)));
        g_hash_table_insert(blocks, &b->pc, b);
    }
    g_mutex_unlock(&lock);
    qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
        tb, QEMU_PLUGIN_INLINE_ADD_U64, b->insns, n);
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    g_mutex_lock(&lock);
    if (open_window) {
        fprintf(out, "@error the guest stopped inside window %u\n", windows);
    }
    fclose(out);
    out = NULL;
    g_mutex_unlock(&lock);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    const char *path = NULL;
    int i;

    for (i = 0; i < argc; i++) {
        if (!g_str_has_prefix(argv[i], "out=")) {
            fprintf(stderr, "insn-count: unknown option '%s' (known: out=FILE)\n",
                    argv[i]);
            return -1;
        }
        path = argv[i] + strlen("out=");
    }
    if (!info->system_emulation || strcmp(info->target_name, "x86_64")) {
        fprintf(stderr, "insn-count: counts x86_64 system emulation only\n");
        return -1;
    }
    if (!path) {
        fprintf(stderr, "insn-count: out=FILE is required\n");
        return -1;
    }
    out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "insn-count: cannot write %s\n", path);
        return -1;
    }
    blocks = g_hash_table_new(g_int64_hash, g_int64_equal);
    user_insns = qemu_plugin_scoreboard_u64(
        qemu_plugin_scoreboard_new(sizeof(uint64_t)));
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
