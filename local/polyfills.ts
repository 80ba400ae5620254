/**
 * Polyfills the local twin needs on Node 20.
 *
 * `aws-local-stepfunctions` 3.0.0 declares `node >= 22`. Read against its build
 * (`build/main.node.cjs`) and run on Node 20.20, the one missing API is
 * `Promise.withResolvers` (ES2024, Node 22): every `Task` state calls it to race the
 * task against `TimeoutSeconds`. Without it each Task fails with a `TypeError` that
 * `Catch: States.ALL` would silently swallow. Everything else it uses exists on Node 20:
 * `AbortSignal.any` (20.3), global `EventTarget`/`Event`, and its dependencies
 * (`jsonpath-plus` 10 needs node >= 18, `p-limit` 3, `asl-validator` 3) load through
 * `require` unchanged.
 *
 * Import this module first, before anything that loads `aws-local-stepfunctions`.
 * It is a no-op where the runtime already has the API.
 */

/** The result of `Promise.withResolvers()`. */
interface PromiseResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & {
  withResolvers?: <T>() => PromiseResolvers<T>;
};

const promiseCtor = Promise as PromiseWithResolvers;

if (typeof promiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): PromiseResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
