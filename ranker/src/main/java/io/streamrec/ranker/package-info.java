/**
 * The ranker: learning-to-rank with xgboost4j, from training to serving.
 *
 * <p>What this package owns: turning {@link io.streamrec.ranker.TrainingGroup}s into a model
 * ({@link io.streamrec.ranker.Trainer}), writing a versioned model directory that SageMaker's built-in XGBoost
 * container can load ({@link io.streamrec.ranker.ModelWriter}), scoring candidate rows in-process or on a SageMaker
 * endpoint with a fallback ({@link io.streamrec.ranker.Scorer} and its implementations), and serving the newest valid
 * model with hot reload ({@link io.streamrec.ranker.ModelRegistry}).
 *
 * <p>What it must not touch: Kafka, Kafka Streams, Quarkus or HTTP routing. The feature list itself belongs to the
 * gateway's feature code, which builds a {@link io.streamrec.ranker.FeatureSchema} and rows in that order; this package
 * only carries the schema from training to serving so that the two cannot silently disagree.
 */
package io.streamrec.ranker;
