// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The YAML reader of the policy loader: checks that the bytes are UTF-8
 * text, then turns libyaml's events into a tree of positioned nodes within
 * the limits of ytree.h, aliases pointing at their anchors' nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"
#include "ytree.h"

/* Anchor names to nodes: open addressing, so that a file of many anchors stays linear. */
struct anchor {
	char *name;
	uint32_t node;
};

struct anchors {
	struct anchor *slots;
	size_t cap, count;
};

struct builder {
	struct ward_ytree *tree;
	struct ward_diags *diags;
	uint32_t open[WARD_POLICY_MAX_DEPTH]; /* the sequences and mappings being read */
	uint32_t last[WARD_POLICY_MAX_DEPTH]; /* the last child of each, 0 when none yet */
	unsigned int depth;
	unsigned int documents;
	struct anchors anchors;
	uint64_t expanded; /* nodes so far, counting each alias as what it stands for */
};

static size_t hash_name(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct anchor *anchor_slot(const struct anchors *a, const char *name)
{
	size_t i = hash_name(name) & (a->cap - 1);

	while (a->slots[i].name && strcmp(a->slots[i].name, name))
		i = (i + 1) & (a->cap - 1);
	return &a->slots[i];
}

static int anchors_grow(struct anchors *a)
{
	struct anchors bigger = {.cap = a->cap ? a->cap * 2 : 64, .count = a->count};
	size_t i;

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (i = 0; i < a->cap; i++)
		if (a->slots[i].name)
			*anchor_slot(&bigger, a->slots[i].name) = a->slots[i];
	free(a->slots);
	*a = bigger;
	return 0;
}

/* Name node @n @name; a later anchor of the same name replaces the earlier, as in YAML. */
static int anchor_set(struct anchors *a, const char *name, uint32_t n)
{
	struct anchor *slot;

	if ((a->count + 1) * 2 > a->cap && anchors_grow(a))
		return -ENOMEM;
	slot = anchor_slot(a, name);
	if (!slot->name) {
		slot->name = strdup(name);
		if (!slot->name)
			return -ENOMEM;
		a->count++;
	}
	slot->node = n;
	return 0;
}

static uint32_t anchor_get(const struct anchors *a, const char *name)
{
	return a->cap ? anchor_slot(a, name)->node : 0;
}

static void anchors_free(struct anchors *a)
{
	size_t i;

	for (i = 0; i < a->cap; i++)
		free(a->slots[i].name);
	free(a->slots);
}

static uint32_t add_sat(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* The length of the UTF-8 sequence at @s (of @avail bytes), or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static bool control_char(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

/* Refuse bytes that are not UTF-8 text, saying where the first one is. */
static int check_text(const char *buf, size_t len, struct ward_diags *diags)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct ward_pos pos = {1, 1};
	size_t i = 0, n;

	while (i < len) {
		/* Most of a policy is printable ASCII: step over it first. */
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			pos.col++;
			i++;
			continue;
		}
		n = utf8_len(s + i, len - i);
		if (n == 0) {
			ward_diag_error(diags, pos,
					"invalid UTF-8 (byte 0x%02x); a policy file must be "
					"UTF-8 text",
					s[i]);
			return -EINVAL;
		}
		if (control_char(s[i])) {
			ward_diag_error(diags, pos,
					"control character 0x%02x; a policy file must be text",
					s[i]);
			return -EINVAL;
		}
		if (s[i] == '\n')
			pos.line++, pos.col = 1;
		else
			pos.col++;
		i += n;
	}
	return 0;
}

static struct ward_pos pos_of(const yaml_mark_t *mark)
{
	struct ward_pos pos = {(uint32_t)mark->line + 1, (uint32_t)mark->column + 1};

	return pos;
}

/* Whether line @line (1-based) of @buf is indented with a tab. */
static bool tab_indented(const char *buf, size_t len, uint32_t line)
{
	size_t i = 0;

	for (uint32_t l = 1; l < line && i < len; i++)
		if (buf[i] == '\n')
			l++;
	for (; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
		if (buf[i] == '\t')
			return true;
	return false;
}

static void syntax_error(const yaml_parser_t *parser, const char *buf, size_t len,
			 struct ward_diags *diags)
{
	struct ward_pos pos = pos_of(&parser->problem_mark);
	const char *problem = parser->problem ? parser->problem : "unreadable YAML";

	if (parser->error == YAML_MEMORY_ERROR)
		return;
	if (tab_indented(buf, len, pos.line))
		ward_diag_error(diags, pos,
				"YAML syntax: %s (a tab in the indentation: YAML indents with "
				"spaces only)",
				problem);
	else if (parser->context)
		ward_diag_error(diags, pos, "YAML syntax: %s %s (from line %u)", problem,
				parser->context, (unsigned int)parser->context_mark.line + 1);
	else
		ward_diag_error(diags, pos, "YAML syntax: %s", problem);
}

static int grow_nodes(struct ward_ytree *tree)
{
	struct ward_ynode *nodes;
	uint32_t cap = tree->cap ? tree->cap * 2 : 1024;

	nodes = realloc(tree->nodes, (size_t)cap * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	tree->nodes = nodes;
	tree->cap = cap;
	return 0;
}

/* Append a node and hang it under the innermost open container. Returns its index or 0. */
static uint32_t add_node(struct builder *b, enum ward_ykind kind, const yaml_mark_t *mark)
{
	struct ward_ytree *tree = b->tree;
	struct ward_ynode *node;
	uint32_t n, parent;

	if (tree->nnodes > WARD_POLICY_MAX_NODES) {
		ward_diag_error(b->diags, pos_of(mark),
				"the file has more than %u YAML nodes; the limit is %u",
				WARD_POLICY_MAX_NODES, WARD_POLICY_MAX_NODES);
		return 0;
	}
	if (tree->nnodes == tree->cap && grow_nodes(tree))
		return 0;

	n = tree->nnodes++;
	node = &tree->nodes[n];
	memset(node, 0, sizeof(*node));
	node->kind = kind;
	node->pos = pos_of(mark);
	node->weight = 1;
	b->expanded++;

	if (b->depth == 0) {
		tree->root = n;
		return n;
	}
	parent = b->open[b->depth - 1];
	if (b->last[b->depth - 1])
		tree->nodes[b->last[b->depth - 1]].next = n;
	else
		tree->nodes[parent].first = n;
	b->last[b->depth - 1] = n;
	tree->nodes[parent].len++;
	return n;
}

static int add_text(struct ward_ytree *tree, const char *s, size_t len, uint32_t *offset)
{
	size_t cap = tree->textcap ? tree->textcap : 4096;
	char *text;

	while (tree->textlen + len + 1 > cap)
		cap *= 2;
	if (cap != tree->textcap) {
		text = realloc(tree->text, cap);
		if (!text)
			return -ENOMEM;
		tree->text = text;
		tree->textcap = cap;
	}
	*offset = (uint32_t)tree->textlen;
	memcpy(tree->text + tree->textlen, s, len);
	tree->text[tree->textlen + len] = '\0';
	tree->textlen += len + 1;
	return 0;
}

/* Add a finished node's weight to its parent's. */
static void weigh(struct builder *b, uint32_t n)
{
	uint32_t parent;

	if (b->depth == 0)
		return;
	parent = b->open[b->depth - 1];
	b->tree->nodes[parent].weight =
		add_sat(b->tree->nodes[parent].weight, b->tree->nodes[n].weight);
}

static int name_anchor(struct builder *b, const yaml_char_t *anchor, uint32_t n)
{
	return anchor ? anchor_set(&b->anchors, (const char *)anchor, n) : 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	uint32_t n, offset;

	if (add_text(b->tree, (const char *)ev->data.scalar.value, ev->data.scalar.length, &offset))
		return -ENOMEM;
	n = add_node(b, WARD_Y_SCALAR, &ev->start_mark);
	if (!n)
		return b->diags->nerrors ? -EINVAL : -ENOMEM;
	b->tree->nodes[n].first = offset;
	b->tree->nodes[n].len = (uint32_t)ev->data.scalar.length;
	b->tree->nodes[n].plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	weigh(b, n);
	return name_anchor(b, ev->data.scalar.anchor, n);
}

static int on_open(struct builder *b, enum ward_ykind kind, const yaml_event_t *ev)
{
	uint32_t n;

	if (b->depth == WARD_POLICY_MAX_DEPTH) {
		ward_diag_error(b->diags, pos_of(&ev->start_mark),
				"lists and mappings nest more than %d deep here; the limit is %d",
				WARD_POLICY_MAX_DEPTH, WARD_POLICY_MAX_DEPTH);
		return -EINVAL;
	}
	n = add_node(b, kind, &ev->start_mark);
	if (!n)
		return b->diags->nerrors ? -EINVAL : -ENOMEM;
	b->open[b->depth] = n;
	b->last[b->depth] = 0;
	b->depth++;
	return name_anchor(b,
			   kind == WARD_Y_SEQ ? ev->data.sequence_start.anchor
					      : ev->data.mapping_start.anchor,
			   n);
}

static int on_close(struct builder *b)
{
	b->depth--;
	weigh(b, b->open[b->depth]);
	return 0;
}

/* Whether node @n is a sequence or mapping still being read: an alias to it would loop. */
static bool is_open(const struct builder *b, uint32_t n)
{
	unsigned int i;

	for (i = 0; i < b->depth; i++)
		if (b->open[i] == n)
			return true;
	return false;
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ward_pos pos = pos_of(&ev->start_mark);
	uint32_t target = anchor_get(&b->anchors, name), n;

	if (!target) {
		ward_diag_error(b->diags, pos, "alias *%s names no anchor (&%s) above it", name,
				name);
		return -EINVAL;
	}
	if (is_open(b, target)) {
		ward_diag_error(b->diags, pos, "alias *%s is inside the node it names", name);
		return -EINVAL;
	}
	n = add_node(b, WARD_Y_ALIAS, &ev->start_mark);
	if (!n)
		return b->diags->nerrors ? -EINVAL : -ENOMEM;
	b->tree->nodes[n].first = target;
	b->tree->nodes[n].weight = b->tree->nodes[target].weight;
	b->expanded += b->tree->nodes[target].weight;
	if (b->expanded > WARD_POLICY_MAX_EXPANDED) {
		ward_diag_error(b->diags, pos,
				"aliases expand the policy to more than %u nodes; the limit is %u",
				WARD_POLICY_MAX_EXPANDED, WARD_POLICY_MAX_EXPANDED);
		return -EINVAL;
	}
	weigh(b, n);
	return 0;
}

static int on_document(struct builder *b, const yaml_event_t *ev)
{
	if (++b->documents == 1)
		return 0;
	ward_diag_error(b->diags, pos_of(&ev->start_mark),
			"a second YAML document begins here; a policy file holds one");
	return -EINVAL;
}

/* Handle one event. Returns 1 at the end of the stream, 0 to go on, or -errno. */
static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		return on_document(b, ev);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, WARD_Y_SEQ, ev);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, WARD_Y_MAP, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	default:
		return 0;
	}
}

static int run_parser(yaml_parser_t *parser, struct builder *b, const char *buf, size_t len)
{
	yaml_event_t ev;
	int ret;

	do {
		if (!yaml_parser_parse(parser, &ev)) {
			syntax_error(parser, buf, len, b->diags);
			return parser->error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
		}
		ret = on_event(b, &ev);
		yaml_event_delete(&ev);
	} while (ret == 0);
	return ret < 0 ? ret : 0;
}

int ward_ytree_parse(const char *buf, size_t len, struct ward_ytree *tree, struct ward_diags *diags)
{
	struct builder b = {.tree = tree, .diags = diags};
	yaml_parser_t parser;
	int ret;

	memset(tree, 0, sizeof(*tree));
	ret = check_text(buf, len, diags);
	if (ret)
		return ret;

	/* Node 0 stands for "none". */
	ret = grow_nodes(tree);
	if (ret)
		return ret;
	tree->nnodes = 1;
	memset(&tree->nodes[0], 0, sizeof(tree->nodes[0]));

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	ret = run_parser(&parser, &b, buf, len);
	yaml_parser_delete(&parser);
	anchors_free(&b.anchors);
	return ret;
}

void ward_ytree_free(struct ward_ytree *tree)
{
	free(tree->nodes);
	free(tree->text);
	memset(tree, 0, sizeof(*tree));
}

bool ward_yis_null(const struct ward_ytree *tree, uint32_t n)
{
	const struct ward_ynode *node = ward_ynode(tree, n);
	const char *s;

	/* Only scalars have text: a file of empty mappings has none at all. */
	if (node->kind != WARD_Y_SCALAR || !node->plain)
		return false;
	s = ward_ystr(tree, n);
	return node->len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

const char *ward_ydescribe(const struct ward_ytree *tree, uint32_t n, char *buf, size_t size)
{
	const struct ward_ynode *node = ward_ynode(tree, n);
	char quoted[WARD_QUOTE_SIZE];

	if (node->kind == WARD_Y_MAP)
		return "a mapping";
	if (node->kind == WARD_Y_SEQ)
		return "a list";
	if (ward_yis_null(tree, n))
		return "nothing";
	snprintf(buf, size, "'%s'",
		 ward_quote(ward_ystr(tree, n), node->len, quoted, sizeof(quoted)));
	return buf;
}
