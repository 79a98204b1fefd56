/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Reading `devices`: each device's identity (name, interface, MAC,
 * addresses, VLAN), its settings and its rules, and the checks across
 * devices: a name, a MAC or an address belongs to one device only.
 */
#ifndef WARD_DEVICES_H
#define WARD_DEVICES_H

#include "schema.h"

/* Read the `devices` list @list into @ld->policy. Returns 0 or -ENOMEM. */
int ward_devices_load(struct ward_loader *ld, uint32_t list);

/* Free what @dev owns (not @dev itself). */
void ward_device_release(struct ward_device *dev);

#endif /* WARD_DEVICES_H */
