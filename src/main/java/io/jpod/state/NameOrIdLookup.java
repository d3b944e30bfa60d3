package io.jpod.state;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;

/**
 * The candidates of a name-or-ID lookup, found through indexes instead of a scan of the table
 * ({@code name = ? OR id LIKE ?} reads every row, JSON columns and all): first the name's unique index
 * (an exact name wins, as in libpod), then the primary key's index as a range {@code prefix <= id < next}
 * where {@code next} is the prefix with its last character raised by one. Two rows are enough to tell a
 * unique prefix from an ambiguous one. {@link StateErrors#resolve} then applies the rule to the candidates.
 */
final class NameOrIdLookup {

    /** Enough to tell one match from several. */
    private static final Limit TWO = Limit.of(2);

    private NameOrIdLookup() {}

    static List<ContainerEntity> containers(ContainerRepository repo, String query, String ns) {
        Optional<ContainerEntity> named = repo.findByName(query);
        if (named.isPresent() && StateErrors.visible(ns, named.get().namespace)) {
            return List.of(named.get());
        }
        String next = next(query);
        if (next == null) {
            return StateErrors.visibleOnly(repo.findByNameOrIdStartingWith(query, query), ns, e -> e.namespace);
        }
        return repo.findIdRange(query, next, ns, TWO);
    }

    static List<PodEntity> pods(PodRepository repo, String query, String ns) {
        Optional<PodEntity> named = repo.findByName(query);
        if (named.isPresent() && StateErrors.visible(ns, named.get().namespace)) {
            return List.of(named.get());
        }
        String next = next(query);
        if (next == null) {
            return StateErrors.visibleOnly(repo.findByNameOrIdStartingWith(query, query), ns, e -> e.namespace);
        }
        return repo.findIdRange(query, next, ns, TWO);
    }

    /**
     * The least string above every string that starts with {@code prefix}, in SQLite's BINARY order
     * (UTF-8 bytes, which sort as code points do); null where raising the last char does not give it
     * (a surrogate or the highest char): such queries keep the scan.
     */
    static String next(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        if (last == Character.MAX_VALUE || Character.isSurrogate(last) || Character.isSurrogate((char) (last + 1))) {
            return null;
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }
}
