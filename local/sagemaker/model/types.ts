/**
 * Types of the committed SageMaker API model subset (sagemaker-subset.json).
 *
 * The subset keeps, for each shape, exactly what botocore's model says about its
 * constraints (required members, types, min/max, patterns, enums, member shapes),
 * and drops the documentation.
 */

/** A reference from a member, list element or map key/value to a named shape. */
export interface ShapeRef {
  /** Name of the referenced shape in {@link ApiModelSubset.shapes}. */
  readonly shape: string;
}

interface ShapeBase {
  /** Lower bound: string length, list length, map size or numeric value. */
  readonly min?: number;
  /** Upper bound: string length, list length, map size or numeric value. */
  readonly max?: number;
}

/** A string shape; `pattern` is a Java regular expression that must match the whole value. */
export interface StringShape extends ShapeBase {
  readonly type: 'string';
  readonly pattern?: string;
  readonly enum?: readonly string[];
  /**
   * How the live service prints `pattern` in ValidationException messages, where that was
   * observed to differ from botocore's text (see the header's `notes`).
   */
  readonly messagePattern?: string;
}

/** A numeric shape. */
export interface NumberShape extends ShapeBase {
  readonly type: 'integer' | 'long' | 'float' | 'double';
}

/** A boolean, timestamp or blob shape (no constraints we check beyond the type). */
export interface ScalarShape extends ShapeBase {
  readonly type: 'boolean' | 'timestamp' | 'blob';
}

/** A structure shape. */
export interface StructureShape extends ShapeBase {
  readonly type: 'structure';
  readonly required?: readonly string[];
  readonly members: Readonly<Record<string, ShapeRef>>;
  /** True for error shapes. */
  readonly exception?: boolean;
}

/** A list shape. */
export interface ListShape extends ShapeBase {
  readonly type: 'list';
  readonly member: ShapeRef;
}

/** A map shape. */
export interface MapShape extends ShapeBase {
  readonly type: 'map';
  readonly key: ShapeRef;
  readonly value: ShapeRef;
}

/** Any shape of the model. */
export type Shape = StringShape | NumberShape | ScalarShape | StructureShape | ListShape | MapShape;

/** One operation: its input, output and modelled error shapes. */
export interface OperationModel {
  readonly input?: string;
  readonly output?: string;
  readonly errors: readonly string[];
}

/** Where the subset came from and how to regenerate it. */
export interface ModelHeader {
  readonly source: string;
  readonly botocoreVersion: string;
  readonly apiVersion: string;
  readonly extractedAt: string;
  readonly regenerate: string;
  readonly operations: readonly string[];
  readonly notes: readonly string[];
}

/** The committed API model subset. */
export interface ApiModelSubset {
  readonly header: ModelHeader;
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}
