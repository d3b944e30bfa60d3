/**
 * The OCI runtime step: {@link io.jpod.oci.OciRuntime} (conmon and runc together), the runtime spec and
 * seccomp profile, and the conmon attach socket.
 */
package io.jpod.oci;
