/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Rules and services: reading `services`, and the `outbound` and `inbound`
 * lists of a device into struct ward_rule, with sets and services resolved.
 * Port ranges come out sorted and merged, ICMP types sorted and unique.
 */
#ifndef WARD_RULES_H
#define WARD_RULES_H

#include "schema.h"

/* Read the `services` mapping @map (0 when absent) into @ld->services. */
int ward_services_load(struct ward_loader *ld, uint32_t map);

void ward_services_free(struct ward_services *services);

size_t ward_services_count(const struct ward_services *services);

/*
 * Read the rule list @list of direction @dir into *@rules (*@n of them).
 * Rules with errors are reported and left out. Returns 0 or -ENOMEM.
 */
int ward_rules_load(struct ward_loader *ld, uint32_t list, enum ward_direction dir,
		    struct ward_rule **rules, size_t *n);

/* Free what @rule owns (not @rule itself). */
void ward_rule_release(struct ward_rule *rule);

#endif /* WARD_RULES_H */
