package io.jpod.state;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface PodRepository extends JpaRepository<PodEntity, String> {
    /** A full scan (OR with LIKE): only for prefixes that {@link NameOrIdLookup} cannot turn into a range. */
    List<PodEntity> findByNameOrIdStartingWith(String name, String idPrefix);

    /** The name's unique index; JPQL, parsed once, where a derived query builds its criteria on every call. */
    @Query("select p from PodEntity p where p.name = :name")
    Optional<PodEntity> findByName(String name);

    /** A range on the primary key's index ({@code lo <= id < hi}), in the namespace unless it is empty. */
    @Query("select p from PodEntity p where p.id >= :lo and p.id < :hi and (:ns = '' or p.namespace = :ns)")
    List<PodEntity> findIdRange(String lo, String hi, String ns, Limit limit);
}
