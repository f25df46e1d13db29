package io.pharox.cyclefixture.b;

import io.pharox.cyclefixture.a.A;

/** The other half of the package cycle of {@link A}. */
public final class B {
    A a;
}
