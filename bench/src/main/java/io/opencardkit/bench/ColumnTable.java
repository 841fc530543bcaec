package io.opencardkit.bench;

import java.util.List;
import java.util.function.Function;

/**
 * A Markdown table with one column per item (a phase, a step) and one row per figure, written as
 * rows are added.
 */
public final class ColumnTable<T> {
  private final StringBuilder out;
  private final List<T> items;

  /**
   * Writes the heading row: {@code corner}, then each item's heading; the figures' columns align
   * right.
   */
  public ColumnTable(StringBuilder out, String corner, List<T> items, Function<T, String> heading) {
    this.out = out;
    this.items = items;
    StringBuilder head = new StringBuilder("| ").append(corner).append(" |");
    StringBuilder rule = new StringBuilder("|---|");
    for (T item : items) {
      head.append(' ').append(heading.apply(item)).append(" |");
      rule.append("---:|");
    }
    out.append(head).append('\n').append(rule).append('\n');
  }

  /** A row: {@code label}, then each item's cell. */
  public ColumnTable<T> row(String label, Function<T, String> cell) {
    StringBuilder row = new StringBuilder("| ").append(label).append(" |");
    for (T item : items) {
      row.append(' ').append(cell.apply(item)).append(" |");
    }
    out.append(row).append('\n');
    return this;
  }
}
