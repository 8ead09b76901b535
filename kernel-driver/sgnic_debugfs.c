// SPDX-License-Identifier: GPL-2.0
/*
 * sgnic: debugfs, /sys/kernel/debug/sgnic/<pci name>/.
 *
 *   rings	every ring's indices, channel status and completion value
 *   desc_txN	the descriptors of TX ring N (sgnic-ring decodes them)
 *   desc_rxN	the same for RX ring N
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>

#include "sgnic.h"

static struct dentry *sgnic_dbg_root;

static void sgnic_dbg_ring_line(struct seq_file *m, const char *kind,
				struct sgnic_ring *ring)
{
	u32 status = readl(ring->regs + SGNIC_CH_STATUS);

	seq_printf(m, "%s%u chan %u size %u ntu %u ntc %u head %u tail %u state %u err 0x%02x compl 0x%016llx desc_dma 0x%llx flags 0x%x\n",
		   kind, ring->qid, ring->chan, ring->size, ring->next_to_use,
		   ring->next_to_clean, readl(ring->regs + SGNIC_CH_HEAD),
		   readl(ring->regs + SGNIC_CH_TAIL), SGNIC_CH_STATE(status),
		   SGNIC_CH_ERR(status), le64_to_cpu(READ_ONCE(*ring->compl)),
		   (u64)ring->desc_dma, ring->desc_flags);
}

static int sgnic_dbg_rings_show(struct seq_file *m, void *v)
{
	struct sgnic_priv *priv = m->private;
	u32 q;

	rtnl_lock();
	seq_printf(m, "pairs %u up %d pflags 0x%lx\n", priv->num_pairs, priv->up,
		   priv->pflags);
	for (q = 0; priv->up && q < priv->num_pairs; q++) {
		sgnic_dbg_ring_line(m, "tx", priv->tx[q]);
		sgnic_dbg_ring_line(m, "rx", priv->rx[q]);
	}
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgnic_dbg_rings);

static int sgnic_dbg_desc_show(struct seq_file *m, void *v)
{
	struct sgnic_dbg_file *f = m->private;
	struct sgnic_priv *priv = f->priv;
	struct sgnic_ring *ring;
	u32 i;

	rtnl_lock();
	ring = f->rx ? priv->rx[f->q] : priv->tx[f->q];
	if (!priv->up || !ring || f->q >= priv->num_pairs) {
		seq_puts(m, "down\n");
		goto out;
	}
	sgnic_dbg_ring_line(m, f->rx ? "rx" : "tx", ring);
	for (i = 0; i < ring->size; i++) {
		const struct sgnic_desc *d = &ring->desc[i];

		seq_printf(m, "%4u addr 0x%016llx len %5u flags 0x%08x mss %u status 0x%08x xfer %u\n",
			   i, le64_to_cpu(d->addr), le32_to_cpu(d->len),
			   le32_to_cpu(d->flags), le16_to_cpu(d->mss),
			   le32_to_cpu(d->status), le32_to_cpu(d->xfer_len));
	}
out:
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgnic_dbg_desc);

void sgnic_debugfs_add(struct sgnic_priv *priv)
{
	char name[24];
	u32 q, k;

	priv->dbg = debugfs_create_dir(pci_name(priv->pdev), sgnic_dbg_root);
	debugfs_create_file("rings", 0400, priv->dbg, priv, &sgnic_dbg_rings_fops);
	for (q = 0; q < priv->caps.max_pairs; q++) {
		for (k = 0; k < 2; k++) {
			struct sgnic_dbg_file *f = &priv->dbg_files[2 * q + k];

			f->priv = priv;
			f->q = q;
			f->rx = k;
			snprintf(name, sizeof(name), "desc_%s%u", k ? "rx" : "tx", q);
			debugfs_create_file(name, 0400, priv->dbg, f,
					    &sgnic_dbg_desc_fops);
		}
	}
}

void sgnic_debugfs_remove(struct sgnic_priv *priv)
{
	debugfs_remove_recursive(priv->dbg);
	priv->dbg = NULL;
}

void sgnic_debugfs_init(void)
{
	sgnic_dbg_root = debugfs_create_dir(SGNIC_DRV_NAME, NULL);
}

void sgnic_debugfs_exit(void)
{
	debugfs_remove_recursive(sgnic_dbg_root);
}
