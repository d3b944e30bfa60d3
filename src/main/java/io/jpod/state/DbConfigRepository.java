package io.jpod.state;

import org.springframework.data.jpa.repository.JpaRepository;

interface DbConfigRepository extends JpaRepository<DbConfigEntity, Integer> {}
