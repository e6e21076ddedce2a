/** Whether this process is saturated right now (the feed sheds its costliest sources while it is). */
export interface LoadSignal {
  overloaded(): boolean;
}
