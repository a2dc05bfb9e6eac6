"use client";

import { createContext, useContext } from "react";

/** Display names of the enabled models by id, for text that names models the router weighed; the chat provides them. */
const ModelNames = createContext<ReadonlyMap<string, string>>(new Map());

export const ModelNamesProvider = ModelNames.Provider;

/** A model's display name, or its id where the model is not (or no longer) enabled. */
export function useModelName(): (modelId: string) => string {
  const names = useContext(ModelNames);
  return (modelId) => names.get(modelId) ?? modelId;
}
