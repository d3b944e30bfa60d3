package io.jpod.api.libpod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Sizes as podman 4.3.1's {@code pod stats} prints them (values taken from a real podman's answers). */
class StatsReportsTest {

    @Test
    void decimalAndBinarySizesWithFourSignificantDigits() {
        assertThat(StatsReports.decimal(245_760)).isEqualTo("245.8kB");
        assertThat(StatsReports.binary(245_760)).isEqualTo("240KiB");
        assertThat(StatsReports.decimal(25_275_990_016L)).isEqualTo("25.28GB");
        assertThat(StatsReports.binary(25_275_990_016L)).isEqualTo("23.54GiB");
        assertThat(StatsReports.decimal(472)).isEqualTo("472B");
        assertThat(StatsReports.decimal(1102)).isEqualTo("1.102kB");
        assertThat(StatsReports.decimal(0)).isEqualTo("0B");
    }
}
