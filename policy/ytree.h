/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A policy file as a tree of YAML nodes (scalars, sequences, mappings), each
 * with its 1-based line and column, built with libyaml's event parser.
 *
 * The file is untrusted, so the parser enforces the limits below and refuses
 * what a policy never needs: a second document, bytes that are not UTF-8
 * text, an alias to a node that contains it. Each refusal is an error in the
 * diagnostics that names the limit.
 *
 * Aliases (*name) are kept as references to their anchor's node, not copies.
 * The loader still visits an aliased node once per reference, so the size of
 * the tree with every alias expanded is bounded (WARD_POLICY_MAX_EXPANDED):
 * a "billion laughs" bomb is refused as soon as it grows past the limit.
 *
 * Nodes live in one array; index 0 is unused so that 0 can mean "none". The
 * children of a sequence or mapping are chained by next, a mapping's as key,
 * value, key, value. An alias node has its own place in such a chain, and
 * ward_ynode() and ward_ystr() look through it to its anchor's node.
 */
#ifndef WARD_YTREE_H
#define WARD_YTREE_H

#include <stdint.h>

#include "policy.h"

#define WARD_POLICY_MAX_BYTES	 (64U << 20) /* file size */
#define WARD_POLICY_MAX_DEPTH	 64	     /* nested sequences and mappings */
#define WARD_POLICY_MAX_NODES	 (8U << 20)  /* scalars, sequences, mappings, aliases */
#define WARD_POLICY_MAX_EXPANDED (8U << 20)  /* nodes, counting what each alias stands for */

enum ward_ykind {
	WARD_Y_SCALAR,
	WARD_Y_SEQ,
	WARD_Y_MAP,
	WARD_Y_ALIAS, /* first is the anchor's node; only ever seen through ward_ynode() */
};

struct ward_ynode {
	uint8_t kind;  /* enum ward_ykind */
	uint8_t plain; /* a scalar written without quotes */
	struct ward_pos pos;
	uint32_t len;	 /* scalar: bytes; sequence, mapping: children */
	uint32_t first;	 /* scalar: offset of its text; others: first child */
	uint32_t next;	 /* next sibling */
	uint32_t weight; /* nodes in this one's subtree, aliases expanded (saturating) */
};

struct ward_ytree {
	struct ward_ynode *nodes;
	uint32_t nnodes;
	uint32_t cap;
	char *text; /* scalars, each followed by a NUL */
	size_t textlen;
	size_t textcap;
	uint32_t root; /* 0 when the file holds no document */
};

/*
 * Build @tree from @buf (@len bytes). Returns 0, or -EINVAL with the reason
 * in @diags, or -ENOMEM. Free the tree with ward_ytree_free() in any case.
 */
int ward_ytree_parse(const char *buf, size_t len, struct ward_ytree *tree,
		     struct ward_diags *diags);

void ward_ytree_free(struct ward_ytree *tree);

/* Node @n, or for an alias the node it refers to. Its next is not @n's: use tree->nodes. */
static inline const struct ward_ynode *ward_ynode(const struct ward_ytree *tree, uint32_t n)
{
	if (tree->nodes[n].kind == WARD_Y_ALIAS)
		n = tree->nodes[n].first;
	return &tree->nodes[n];
}

/* A scalar's text, NUL-terminated (it may hold NULs of its own: see len). */
static inline const char *ward_ystr(const struct ward_ytree *tree, uint32_t n)
{
	return tree->text + ward_ynode(tree, n)->first;
}

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
bool ward_yis_null(const struct ward_ytree *tree, uint32_t n);

/* "a mapping", "a list", "'text'" or "nothing": what a message says it got. */
const char *ward_ydescribe(const struct ward_ytree *tree, uint32_t n, char *buf, size_t size);

#endif /* WARD_YTREE_H */
