package ru.dozvon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading {@code postmaster.pid}: the full file, one still being written, and garbage. */
class PostmasterPidFileTest {

  /** As PostgreSQL 14 wrote it for the embedded server (status padded to 8 characters). */
  static final String WRITTEN_BY_POSTGRES = "8151\n/tmp/crashrepro/data\n1796173000\n34359\n/tmp\nlocalhost\n"
      + "  2146420        38\nready   \n";

  @Test
  void readsEveryLineOfAServersFile() throws Exception {
    PostmasterPidFile f = PostmasterPidFile.parse(WRITTEN_BY_POSTGRES);
    assertThat(f.pid()).isEqualTo(8151);
    assertThat(f.dataDir()).contains(Path.of("/tmp/crashrepro/data"));
    assertThat(f.startedAt()).contains(Instant.ofEpochSecond(1796173000));
    assertThat(f.port()).hasValue(34359);
    assertThat(f.status()).contains("ready");
  }

  @Test
  void aFileStillBeingWrittenNeedsOnlyItsFirstLine() throws Exception {
    PostmasterPidFile f = PostmasterPidFile.parse("4242\n");
    assertThat(f.pid()).isEqualTo(4242);
    assertThat(f.dataDir()).isEmpty();
    assertThat(f.startedAt()).isEmpty();
    assertThat(f.port()).isEmpty();
    assertThat(f.status()).isEmpty();
    assertThat(PostmasterPidFile.parse("4242\n/d\nnot-a-time\n").startedAt()).isEmpty();
  }

  @Test
  void aStandaloneBackendsNegatedPidIsItsPid() throws Exception {
    assertThat(PostmasterPidFile.parse("-4242\n/d\n").pid()).isEqualTo(4242);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n\n", "abc\n/d\n", "12ab\n", "0\n", "1\n", "99999999999999999999999\n"})
  void garbageIsRefusedNamingTheFileAndTheLine(String text) {
    assertThatThrownBy(() -> PostmasterPidFile.parse(text))
        .isInstanceOf(PostmasterPidFile.MalformedPidFile.class)
        .hasMessageStartingWith("postmaster.pid")
        .hasMessageMatching(".*(empty|is not a (postmaster's )?process id).*");
  }

  @Test
  void aFolderWithoutOneHasNone(@TempDir Path dir) throws Exception {
    assertThat(PostmasterPidFile.read(dir)).isEmpty();
    Files.writeString(dir.resolve("postmaster.pid"), WRITTEN_BY_POSTGRES);
    assertThat(PostmasterPidFile.read(dir)).map(PostmasterPidFile::pid).contains(8151L);
  }
}
