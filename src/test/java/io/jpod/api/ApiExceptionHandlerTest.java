package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.error.EngineException.Category;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ApiExceptionHandlerTest {

    @Test
    void everyCategoryHasItsStatus() {
        assertThat(ApiExceptionHandler.statusOf(Category.NOT_FOUND)).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(ApiExceptionHandler.statusOf(Category.ALREADY_EXISTS)).isEqualTo(HttpStatus.CONFLICT);
        assertThat(ApiExceptionHandler.statusOf(Category.INVALID_STATE)).isEqualTo(HttpStatus.CONFLICT);
        assertThat(ApiExceptionHandler.statusOf(Category.INVALID_ARGUMENT)).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ApiExceptionHandler.statusOf(Category.NOT_MODIFIED)).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(ApiExceptionHandler.statusOf(Category.UNAVAILABLE)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(ApiExceptionHandler.statusOf(Category.INTERNAL)).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(ApiExceptionHandler.statusOf(Category.RESOURCE_EXHAUSTED)).isEqualTo(HttpStatus.CONFLICT);
    }
}
