/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Sets, the named groups of peers, and peer lists: reading `sets`,
 * resolving each set (through the sets it names) into a sorted list of
 * prefixes without duplicates, and resolving the peer list of a rule the
 * same way. A set that includes itself, directly or through others, is an
 * error, and so is a chain of sets deeper than WARD_SET_MAX_DEPTH.
 */
#ifndef WARD_SETS_H
#define WARD_SETS_H

#include "addr.h"
#include "schema.h"

#define WARD_SET_MAX_DEPTH 16

/* Read and resolve the `sets` mapping @map (0 when absent) into @ld->sets. */
int ward_sets_load(struct ward_loader *ld, uint32_t map);

void ward_sets_free(struct ward_sets *sets);

size_t ward_sets_count(const struct ward_sets *sets);

/*
 * Resolve the peer list @list (addresses, CIDRs, "any", set names) into a
 * sorted array without duplicates, *@out (NULL when empty), of *@n prefixes.
 * Returns false after reporting the errors, or on lack of memory.
 */
bool ward_peers_resolve(struct ward_loader *ld, uint32_t list, struct ward_prefix **out, size_t *n);

/* Report why the scalar @n is not a usable address or CIDR (ward_addr_parse()'s @status). */
void ward_report_addr(struct ward_loader *ld, uint32_t n, enum ward_addr_status status,
		      const struct ward_prefix *masked);

#endif /* WARD_SETS_H */
