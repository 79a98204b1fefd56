/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Warnings about a policy that loads but is probably not what its author
 * meant: rules that can never match, and rules that never decide anything
 * because an earlier rule of the same device and direction covers them.
 */
#ifndef WARD_LINT_H
#define WARD_LINT_H

#include "policy.h"

/* Add the warnings about @policy's rules to @diags. */
void ward_lint(const struct ward_policy *policy, struct ward_diags *diags);

#endif /* WARD_LINT_H */
