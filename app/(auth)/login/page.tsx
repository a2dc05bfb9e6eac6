import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { auth } from "@/lib/auth";

export default async function LoginPage() {
  if ((await auth())?.user) redirect("/");
  return <AuthForm mode="login" />;
}
