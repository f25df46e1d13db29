package io.pharox.cyclefixture.a;

import io.pharox.cyclefixture.b.B;

/** Half of a package cycle that {@code ArchitectureRulesTest} expects the cycle rule to catch. */
public final class A {
    B b;
}
