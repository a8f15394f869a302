//go:build !unix

package main

// privateUmask has nothing to set where there is no umask: the files'
// access is the folder's ACL.
func privateUmask() {}
