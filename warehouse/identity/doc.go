// Package identity finds the one guest behind many PMS profiles, and lets an
// admin correct it.
//
// Resolve recomputes every guest from the profile rows and the admin's
// standing decisions, inside the caller's transaction (a load's, or a
// correction's): shared mobiles, ID-number hashes and member numbers link
// profiles, unless the result would hold two different ID numbers, two
// dates of birth or profiles an admin split. Split and Merge record an
// admin's decision and resolve again in one transaction with the audit
// entry; Review lists the likely mistakes for an admin to answer.
package identity
