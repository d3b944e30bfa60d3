package io.jpod.api.wire;

import io.jpod.state.NameConfig;
import io.jpod.state.StoredContainer;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Inspect's {@code HostConfig} name fields, the same in Docker's and podman's shape: {@code Dns},
 * {@code DnsSearch}, {@code DnsOptions}, {@code ExtraHosts} (unwrapped into {@code HostConfig}).
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record NameSettings(List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
        List<String> extraHosts) {

    public static NameSettings of(StoredContainer c) {
        NameConfig n = c.config().run() == null ? NameConfig.NONE : c.config().run().names();
        return new NameSettings(n.dns(), n.dnsSearch(), n.dnsOptions(), n.extraHosts());
    }

    /** The container's domain name ({@code Config.Domainname}). */
    public static String domainname(StoredContainer c) {
        return c.config().run() == null ? "" : c.config().run().names().domainname();
    }
}
