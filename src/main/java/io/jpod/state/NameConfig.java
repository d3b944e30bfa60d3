package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's names and name resolution, checked at create: what its {@code /etc/hosts},
 * {@code /etc/resolv.conf} and hostname get, and the aliases other containers resolve it by.
 *
 * @param domainname the UTS domain name ({@code hostname -f} gives {@code hostname.domainname})
 * @param dns nameserver addresses replacing the network's resolver or the host's ({@code --dns})
 * @param dnsSearch search domains ({@code --dns-search}); empty for the defaults
 * @param dnsOptions resolver options ({@code --dns-option}), such as {@code ndots:2}
 * @param extraHosts {@code host:address} lines for {@code /etc/hosts}; the address may be {@code host-gateway}
 * @param aliases the container's aliases by network name ({@code --network-alias})
 * @param links legacy links ({@code --link}): containers this one knows by an alias in its {@code /etc/hosts}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NameConfig(String domainname, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
        List<String> extraHosts, Map<String, List<String>> aliases, List<Link> links) {

    public static final NameConfig NONE = new NameConfig(null, null, null, null, null, null);

    /**
     * A link to another container.
     *
     * @param container the target's ID once planned (as the client named it in a request)
     * @param name the target's name at create, for messages once it is gone
     * @param alias the name the linking container knows it by
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Link(String container, String name, String alias) {}

    /** Without links. */
    public NameConfig(String domainname, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
            List<String> extraHosts, Map<String, List<String>> aliases) {
        this(domainname, dns, dnsSearch, dnsOptions, extraHosts, aliases, null);
    }

    public NameConfig {
        domainname = domainname == null ? "" : domainname;
        dns = dns == null ? List.of() : List.copyOf(dns);
        dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
        dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (aliases != null) {
            aliases.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        aliases = java.util.Collections.unmodifiableMap(copy);
        links = links == null ? List.of() : List.copyOf(links);
    }

    /** The same with these links. */
    public NameConfig withLinks(List<Link> newLinks) {
        return new NameConfig(domainname, dns, dnsSearch, dnsOptions, extraHosts, aliases, newLinks);
    }

    /** The same with {@code network}'s aliases replaced (none: the network's entry goes). */
    public NameConfig withAliases(String network, List<String> networkAliases) {
        Map<String, List<String>> m = new LinkedHashMap<>(aliases);
        if (networkAliases == null || networkAliases.isEmpty()) {
            m.remove(network);
        } else {
            m.put(network, networkAliases);
        }
        return new NameConfig(domainname, dns, dnsSearch, dnsOptions, extraHosts, m, links);
    }
}
