/**
 * The OCI runtime step: {@link io.jpod.oci.OciRuntime} (conmon and the runtime binary together; on the host
 * {@link io.jpod.oci.ConmonOciRuntime}), the runtime spec and seccomp profile, and the conmon attach socket.
 */
package io.jpod.oci;
