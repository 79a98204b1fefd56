/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* ward's version, the one place it is written. */
#ifndef WARD_VERSION_H
#define WARD_VERSION_H

#define WARD_VERSION "0.1.0"

#endif /* WARD_VERSION_H */
