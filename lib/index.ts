export * from './hyperparameter-tuner';
