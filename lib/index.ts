export * from './tuner-props';
export * from './hyperparameter-tuner';
