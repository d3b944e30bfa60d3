package io.jpod.api.admin;

import io.jpod.runtime.LibpodRuntime;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admin: {@code POST /jpod/v1/system/renumber} hands every container and pod a fresh lock (podman's {@code system renumber}). */
@RestController
class LocksController {

    private final LibpodRuntime runtime;

    LocksController(LibpodRuntime runtime) {
        this.runtime = runtime;
    }

    @PostMapping("/jpod/v1/system/renumber")
    LibpodRuntime.RenumberReport renumber() {
        return runtime.renumber();
    }
}
