package io.jpod.state;

import org.springframework.data.jpa.repository.JpaRepository;

interface RegistryRepository extends JpaRepository<RegistryEntity, String> {
    boolean existsByName(String name);
}
