/**
 * Who may reach the daemon, and through which door: the Unix sockets (root and the socket's group),
 * TCP with TLS client certificates or a bearer token (or, on loopback only, an explicit insecure
 * listener), the dashboard's login, and the Host-header check that keeps other web sites out.
 */
package io.jpod.api.access;
