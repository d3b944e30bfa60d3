package io.jpod.state;

import org.springframework.data.jpa.repository.JpaRepository;

interface VolumeRepository extends JpaRepository<VolumeEntity, String> {}
