package io.chronik.control.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.campaign.CampaignCommand;
import io.chronik.control.run.TestCommand;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FaultRegistryTest {
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");
  private static final List<String> CLIENTS = List.of("p1", "p2", "c1");

  @Test
  void everyFaultHasAUniqueNameHelpAndASiteAndPicksTargetsAmongTheNodesOrTheClients() {
    assertThat(FaultRegistry.all()).extracting(Fault::name).doesNotHaveDuplicates()
        .allSatisfy(n -> assertThat(n).matches("[a-z][a-z-]*").isNotEqualTo(FaultRegistry.NONE));
    for (Fault f : FaultRegistry.all()) {
      assertThat(f.help()).as("help of %s", f.name()).isNotBlank();
      assertThat(f.sites()).as("sites of %s", f.name()).isNotEmpty();
      Injection i = f.pick(new Draw(FIVE, new Random(1), PartitionFault.LABELS, CLIENTS));
      assertThat(i.targets()).as("targets of %s", f.name()).isSubsetOf(f.needsClientProcesses() ? CLIENTS : FIVE);
    }
  }

  @Test
  void everyFaultParsesFromTheCommandLineWhereItRunsAndIsRefusedElsewhere() {
    for (Fault f : FaultRegistry.all()) {
      for (Site site : Site.values()) {
        String problem = FaultRegistry.problem(List.of(f.name()), site);
        if (f.sites().contains(site)) {
          assertThat(problem).as("%s at %s", f.name(), site).isNull();
          assertThat(FaultRegistry.select(List.of(f.name()), site)).containsExactly(f);
        } else {
          assertThat(problem).as("%s at %s", f.name(), site).contains("fault=" + f.name())
              .contains("reason=not-available-here");
        }
      }
    }
    assertThat(FaultRegistry.select(List.of("none"), Site.LAB)).isEmpty();
  }

  @Test
  void todaysDefaultsStay() {
    assertThat(FaultRegistry.defaults(Site.LOCAL)).containsExactly("kill", "pause");
    assertThat(FaultRegistry.defaults(Site.LAB)).containsExactly("partition", "kill", "pause");
    assertThat(FaultRegistry.defaults(Site.VMS)).containsExactly("partition", "kill", "pause");
  }

  @Test
  void testAndCampaignHelpListEveryFaultWithItsHelp() {
    for (Object command : List.of(new TestCommand(), new CampaignCommand())) {
      // help lines wrap at the terminal width: compare with whitespace runs as single spaces
      String usage = new CommandLine(command).getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
      for (Fault f : FaultRegistry.all()) {
        assertThat(usage).as("usage lists %s", f.name()).contains(" " + f.name() + " (")
            .contains(f.help().replaceAll("\\s+", " "));
      }
      assertThat(usage).contains("kafka").contains("register");
    }
  }
}
