package io.jpod.state;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface ExecSessionRepository extends JpaRepository<ExecSessionEntity, String> {
    List<ExecSessionEntity> findByContainerId(String containerId);

    void deleteByContainerId(String containerId);
}
