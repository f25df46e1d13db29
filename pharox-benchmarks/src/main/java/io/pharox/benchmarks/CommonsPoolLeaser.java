package io.pharox.benchmarks;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * The in-process peer: Apache Commons Pool 2's {@link GenericObjectPool}, what a Java user
 * would otherwise pick to lease objects in one JVM. One pooled object per slot (each proxy as
 * many times as its capacity), all created up front; a borrow that finds none idle fails at
 * once instead of waiting, like an acquire that finds no proxy. No filters, no strategies,
 * no lease records; no JMX registration, no validation.
 */
final class CommonsPoolLeaser implements Leaser {

    private final GenericObjectPool<Integer> pool;

    CommonsPoolLeaser(int proxies, int capacity) {
        int slots = proxies * capacity;
        AtomicInteger next = new AtomicInteger();
        GenericObjectPoolConfig<Integer> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(slots);
        config.setMaxIdle(slots);
        config.setBlockWhenExhausted(false);
        config.setJmxEnabled(false);
        pool = new GenericObjectPool<>(
                new BasePooledObjectFactory<Integer>() {
                    @Override
                    public Integer create() {
                        return next.getAndIncrement() % proxies;
                    }

                    @Override
                    public PooledObject<Integer> wrap(Integer proxy) {
                        return new DefaultPooledObject<>(proxy);
                    }
                },
                config);
        try {
            pool.addObjects(slots);
        } catch (Exception e) {
            throw new IllegalStateException("filling the pool of " + slots + " slots failed", e);
        }
    }

    @Override
    public Object acquire() {
        try {
            return pool.borrowObject();
        } catch (NoSuchElementException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("borrow failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Object lease) {
        pool.returnObject((Integer) lease);
    }

    @Override
    public void close() {
        pool.close();
    }
}
