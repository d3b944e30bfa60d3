package io.jpod.state;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface ContainerRepository extends JpaRepository<ContainerEntity, String> {
    List<ContainerEntity> findByNameOrIdStartingWith(String name, String idPrefix);

    List<ContainerEntity> findByPodId(String podId);
}
