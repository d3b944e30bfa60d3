package io.jpod.state;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface PodRepository extends JpaRepository<PodEntity, String> {
    List<PodEntity> findByNameOrIdStartingWith(String name, String idPrefix);
}
