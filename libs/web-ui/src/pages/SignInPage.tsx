import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSessionActions, useViewer } from '../api/session';
import { safeReturnPath } from '../app/routes';
import { ErrorMessage } from '../components/Feedback';
import { useTitle } from '../components/useTitle';

export function SignInPage() {
  useTitle('Sign in');
  const [params] = useSearchParams();
  const returnTo = safeReturnPath(params.get('return_to'));
  const viewer = useViewer();
  const { signIn } = useSessionActions();
  const navigate = useNavigate();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (viewer.data) return <Navigate replace to={returnTo} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login, password);
      navigate(returnTo, { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="form">
        <label>
          Username or email
          <input
            name="login"
            autoComplete="username"
            required
            autoFocus
            value={login}
            onChange={(event) => setLogin(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error ? <ErrorMessage error={error} /> : null}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">
        Scripts and CI use tokens instead: a personal access token, a deploy token or a job token, with the
        REST API or <code>docker login</code>.
      </p>
    </section>
  );
}
