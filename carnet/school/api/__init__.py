"""The school part of the API: who am I (`me`), my children and my classes, the directory, and a
class's students. Every read starts from a scope of `carnet.school.policies`: an object outside
the scope answers 404, like a missing one."""
