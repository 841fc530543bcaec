package io.opencardkit.core.template;

import java.util.Comparator;

/**
 * The order of template version names: {@code 1.2.0 < 1.10.0}, numeric parts by value, other parts
 * as text.
 */
final class Versions {
  static final Comparator<String> ORDER = Versions::compare;

  private Versions() {}

  static int compare(String a, String b) {
    String[] left = a.split("[.-]");
    String[] right = b.split("[.-]");
    for (int i = 0; i < Math.min(left.length, right.length); i++) {
      int c = comparePart(left[i], right[i]);
      if (c != 0) {
        return c;
      }
    }
    int byLength = Integer.compare(left.length, right.length);
    return byLength != 0 ? byLength : a.compareTo(b);
  }

  private static int comparePart(String a, String b) {
    boolean numbers =
        !a.isEmpty()
            && !b.isEmpty()
            && a.chars().allMatch(Character::isDigit)
            && b.chars().allMatch(Character::isDigit);
    if (numbers && a.length() <= 18 && b.length() <= 18) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return a.compareTo(b);
  }
}
