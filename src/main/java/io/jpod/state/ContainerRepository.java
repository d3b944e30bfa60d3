package io.jpod.state;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ContainerRepository extends JpaRepository<ContainerEntity, String> {
    /** A full scan (OR with LIKE): only for prefixes that {@link NameOrIdLookup} cannot turn into a range. */
    List<ContainerEntity> findByNameOrIdStartingWith(String name, String idPrefix);

    /** The name's unique index; JPQL, parsed once, where a derived query builds its criteria on every call. */
    @Query("select c from ContainerEntity c where c.name = :name")
    Optional<ContainerEntity> findByName(String name);

    /** A range on the primary key's index ({@code lo <= id < hi}), in the namespace unless it is empty. */
    @Query("select c from ContainerEntity c where c.id >= :lo and c.id < :hi and (:ns = '' or c.namespace = :ns)")
    List<ContainerEntity> findIdRange(String lo, String hi, String ns, Limit limit);

    List<ContainerEntity> findByPodId(String podId);
}
